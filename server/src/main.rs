use clap::Parser;
use server::config::{Cli, Command};
use server::{cli, demo, startup, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(&cli.config);
    let outcome: Result<(), cli::CliError> = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config).await.map_err(Into::into),
        Command::Migrate => startup::connect_and_migrate(&cli.config)
            .await
            .map(|_| ())
            .map_err(Into::into),
        Command::SeedDemo {
            clients,
            organisations,
            history,
        } => seed(&cli.config, clients, organisations, history)
            .await
            .map_err(Into::into),
        Command::Organisation(command) => cli::organisation(&cli.config, command).await,
        Command::User(command) => cli::user(&cli.config, command).await,
        Command::Client(command) => cli::client(&cli.config, command).await,
        Command::Audit(command) => cli::audit(&cli.config, command).await,
        Command::Push(command) => cli::push(command),
        Command::Backup { file } => cli::backup(&cli.config, &file).await,
        Command::CopyTo { url } => cli::copy_to(&cli.config, &url).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "waypoint stopped");
            eprintln!("waypoint: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: server::config::Config) -> Result<(), startup::StartError> {
    let app = startup::Application::build(config).await?;
    tracing::info!(address = %app.address(), "waypoint is listening");
    app.run_until_stopped().await
}

async fn seed(
    config: &server::config::Config,
    clients: Option<usize>,
    organisations: usize,
    history: bool,
) -> Result<(), startup::StartError> {
    let db = startup::connect_and_migrate(config).await?;
    let now = chrono::Utc::now();
    let outcome = match clients {
        None if organisations <= 1 && !history => demo::seed(&db, now).await?,
        clients => {
            let size = demo::DemoSize {
                clients: clients.unwrap_or(demo::DEMO_CLIENTS),
                programs: organisations,
                history,
            };
            demo::seed_programs(&db, now, size).await?
        }
    };
    match outcome {
        demo::SeedOutcome::Created => tracing::info!("demo data added"),
        demo::SeedOutcome::AlreadyThere => {
            tracing::info!("demo data already there; nothing changed")
        }
    }
    db.close().await;
    Ok(())
}
