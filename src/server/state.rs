//! What every request handler and server function shares.

use super::config::Config;
use super::db::Db;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    /// Open sessions' live streams.
    pub live: crate::attendance::live::Live,
    /// How far this process's note locks have got.
    pub lock_progress: crate::notes::progress::Board,
    /// Client files that may be cached as immutable (see `security::content_named_files`).
    pub content_named: Arc<HashSet<String>>,
    /// What each lazily loaded screen needs, preloaded by pages that show it.
    pub screen_chunks: Arc<super::assets::ScreenChunks>,
}

impl AppState {
    pub fn new(config: Config, db: Db) -> AppState {
        let leptos_options = LeptosOptions::builder()
            .output_name("gather")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .build();
        let pkg_dir = std::path::Path::new(&config.site_root).join("pkg");
        let content_named = Arc::new(super::security::content_named_files(&pkg_dir));
        let screen_chunks = Arc::new(super::assets::ScreenChunks::load(
            &super::assets::BuildHashes::beside_binary(),
            &pkg_dir,
        ));
        AppState {
            screen_chunks,
            content_named,
            leptos_options,
            live: crate::attendance::live::Live::start(&db),
            lock_progress: Default::default(),
            db,
            config: Arc::new(config),
        }
    }
}
