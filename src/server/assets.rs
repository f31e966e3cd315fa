//! The client's split build as the server sees it: which files each lazily loaded screen
//! needs, so a page that shows one asks for them at once, beside the main module, instead
//! of discovering them one after another once the main module runs.

use std::collections::HashMap;
use std::path::Path;

/// The build's list of hashed client files (`hash.txt`, `kind: hash` per line), which
/// cargo-leptos writes beside the binary. Read once at start; empty for a build without
/// hashing (the tests), whose files keep their plain names.
#[derive(Debug, Default)]
pub struct BuildHashes(String);

impl BuildHashes {
    /// The list beside this binary.
    pub fn beside_binary() -> BuildHashes {
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
            .map(|file| BuildHashes::read(&file))
            .unwrap_or_default()
    }

    pub fn read(file: &Path) -> BuildHashes {
        BuildHashes(std::fs::read_to_string(file).unwrap_or_default())
    }

    /// The hash of the file of this kind (`js`, `wasm`, `css`, `manifest`, `split`).
    fn of(&self, kind: &str) -> Option<&str> {
        self.0.lines().find_map(|line| {
            let (name, hash) = line.split_once(':')?;
            (name.trim() == kind).then(|| hash.trim())
        })
    }
}

/// Each screen's files (`/pkg/<name>.wasm`, its own chunk and the chunks it shares), and
/// the split loader script, read from the build's manifest.
#[derive(Debug, Default)]
pub struct ScreenChunks {
    /// Per screen, its files' paths separated by spaces (one head tag names them all).
    by_screen: HashMap<String, String>,
    loader: Option<String>,
}

impl ScreenChunks {
    /// Reads the split manifest the hash list names from `pkg_dir`. A build without a
    /// split client (the tests) has none: pages then simply preload nothing.
    pub fn load(hashes: &BuildHashes, pkg_dir: &Path) -> ScreenChunks {
        let manifest = hashes
            .of("manifest")
            .and_then(|h| {
                std::fs::read_to_string(pkg_dir.join(format!("__wasm_split_manifest.{h}.json")))
                    .ok()
            })
            .and_then(|text| serde_json::from_str::<HashMap<String, Vec<String>>>(&text).ok())
            .unwrap_or_default();
        // The manifest names each split `__<screen>_view_<number>` (the lazy route's name
        // in snake case); pages ask by screen.
        let by_screen = manifest
            .into_iter()
            .filter_map(|(key, files)| {
                let (screen, number) = key.strip_prefix("__")?.rsplit_once("_view_")?;
                number.chars().all(|c| c.is_ascii_digit()).then(|| {
                    let paths: Vec<String> =
                        files.iter().map(|f| format!("/pkg/{f}.wasm")).collect();
                    (screen.to_string(), paths.join(" "))
                })
            })
            .collect();
        ScreenChunks {
            by_screen,
            loader: hashes
                .of("split")
                .map(|h| format!("/pkg/__wasm_split.{h}.js")),
        }
    }

    /// The files of the lazily loaded screen `screen`, as paths separated by spaces.
    pub fn for_screen(&self, screen: &str) -> &str {
        self.by_screen.get(screen).map(String::as_str).unwrap_or("")
    }

    /// The script that loads chunks, when the build is split.
    pub fn loader(&self) -> Option<&str> {
        self.loader.as_deref()
    }
}

/// The screens whose files this page's head already asks for: a screen's view can be
/// rendered more than once while a page renders, and Leptos may set up a page's contexts
/// more than once, so this lives in the request's extensions. One per request.
#[derive(Clone, Debug, Default)]
pub struct Preloaded(std::sync::Arc<std::sync::Mutex<std::collections::HashSet<&'static str>>>);

impl Preloaded {
    /// True the first time `screen` is asked for in this page.
    pub fn first(&self, screen: &'static str) -> bool {
        self.0.lock().map(|mut s| s.insert(screen)).unwrap_or(false)
    }
}

/// The client's main files for this build (script, wasm, stylesheet), as paths. Read once
/// from `hash.txt` beside the binary (a hashed release build), else the plain names a build
/// without hashing writes, rather than on every page as Leptos's own components do.
#[derive(Debug, PartialEq)]
pub struct ClientFiles {
    pub script: String,
    pub wasm: String,
    pub stylesheet: String,
}

impl ClientFiles {
    pub fn load(hashes: &BuildHashes, output: &str) -> ClientFiles {
        let named = |kind: &str, plain: String| match hashes.of(kind) {
            Some(hash) => format!("/pkg/{output}.{hash}.{kind}"),
            None => plain,
        };
        // wasm-bindgen names the wasm `<name>_bg.wasm` unless cargo-leptos renames it.
        let wasm_plain = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
            format!("/pkg/{output}.wasm")
        } else {
            format!("/pkg/{output}_bg.wasm")
        };
        ClientFiles {
            script: named("js", format!("/pkg/{output}.js")),
            wasm: named("wasm", wasm_plain),
            stylesheet: named("css", format!("/pkg/{output}.css")),
        }
    }

    /// This build's files, read the first time they are asked for. A process-wide value
    /// rather than part of `AppState`: the error pages' shell renders without it.
    pub fn get() -> &'static ClientFiles {
        static FILES: std::sync::OnceLock<ClientFiles> = std::sync::OnceLock::new();
        FILES.get_or_init(|| ClientFiles::load(&BuildHashes::beside_binary(), "gather"))
    }
}

#[cfg(test)]
mod tests {
    use super::{BuildHashes, ClientFiles, ScreenChunks};

    #[test]
    fn the_client_files_are_named_by_the_build() {
        let dir = std::env::temp_dir().join(format!("gather-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("hash.txt"), "js: J1\nwasm: W1\ncss: C1\n").expect("write");
        let hashed = ClientFiles::load(&BuildHashes::read(&dir.join("hash.txt")), "gather");
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert_eq!(
            hashed,
            ClientFiles {
                script: "/pkg/gather.J1.js".into(),
                wasm: "/pkg/gather.W1.wasm".into(),
                stylesheet: "/pkg/gather.C1.css".into(),
            }
        );
        let plain = ClientFiles::load(&BuildHashes::default(), "gather");
        assert_eq!(plain.script, "/pkg/gather.js");
        assert!(plain.wasm.starts_with("/pkg/gather") && plain.wasm.ends_with(".wasm"));
    }

    #[test]
    fn a_screen_gets_its_own_files_from_the_manifest() {
        let dir = std::env::temp_dir().join(format!("gather-chunks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("hash.txt"), "js: a\nmanifest: M1\nsplit: S1\n").expect("write");
        std::fs::write(
            dir.join("__wasm_split_manifest.M1.json"),
            r#"{"__case_view_123":["chunk_1.x","split___case_view_123.y"],"__new_case_view_123":["chunk_2.z"],"__not_a_view":["chunk_3.q"]}"#,
        )
        .expect("write");
        let chunks = ScreenChunks::load(&BuildHashes::read(&dir.join("hash.txt")), &dir);
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert_eq!(
            chunks.for_screen("case"),
            "/pkg/chunk_1.x.wasm /pkg/split___case_view_123.y.wasm",
            "the case screen's files, not the new-case screen's"
        );
        assert_eq!(chunks.for_screen("new_case"), "/pkg/chunk_2.z.wasm");
        assert!(chunks.for_screen("calendar").is_empty());
        assert_eq!(chunks.loader(), Some("/pkg/__wasm_split.S1.js"));
        let none = ScreenChunks::load(&BuildHashes::default(), std::path::Path::new("/no"));
        assert!(none.for_screen("case").is_empty() && none.loader().is_none());
    }
}
