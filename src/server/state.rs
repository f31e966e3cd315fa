//! What every request handler and server function shares.

use super::config::Config;
use super::db::Db;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
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
}

impl AppState {
    pub fn new(config: Config, db: Db) -> AppState {
        let leptos_options = LeptosOptions::builder()
            .output_name("gather")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .build();
        AppState {
            leptos_options,
            live: crate::attendance::live::Live::start(&db),
            lock_progress: Default::default(),
            db,
            config: Arc::new(config),
        }
    }
}
