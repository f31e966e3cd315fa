//! The Gather server: loads configuration, opens the database (applying migrations),
//! seeds the demo practice when asked, and serves.

use gather::server::config::Config;
use gather::server::db::Db;
use gather::server::state::AppState;
use gather::server::{router, seed};
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    if let Err(message) = run().await {
        eprintln!("gather: {message}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let config = Config::load().map_err(|e| e.to_string())?;
    if let Some(path) = config.database_url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create the database folder {}: {e}", dir.display()))?;
        }
    }
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let seeded = if config.demo {
        seed::seed_demo_if_empty(&db, config.time_zone.name())
            .await
            .map_err(|e| format!("cannot seed the demo practice: {e}"))?
    } else {
        false
    };
    gather::auth::server::warm_up().await;
    tokio::spawn(gather::server::housekeeping(db.clone(), config.sessions));
    let mailer = gather::mail::worker::Mailer::from_config(&config.mail)?;
    tokio::spawn(gather::mail::worker::run(db.clone(), mailer));
    tokio::spawn(gather::reminders::worker::run(
        db.clone(),
        config.mail.public_url.clone(),
    ));
    let mail_note = match &config.mail.smtp {
        Some(smtp) => format!("Email is sent through {}:{}.", smtp.host, smtp.port),
        None => format!(
            "No SMTP server is set, so emails (invitations, password resets) are written as .eml files to {}/.",
            config.mail.folder.trim_end_matches('/')
        ),
    };
    let addr = config.addr;
    let demo = config.demo;
    let state = AppState::new(config, db.clone());
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let url = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    if demo {
        if seeded {
            println!("Seeded the demo practice \"{}\".", seed::DEMO_PRACTICE);
        }
        println!("{}", seed::demo_accounts_text(&url));
    } else {
        println!("Gather is running at {url}");
    }
    println!("{mail_note}");
    // With each connection's address: a signature's evidence records where it came from.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())?;
    db.close().await;
    Ok(())
}
