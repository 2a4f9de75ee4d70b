//! `dispatch-demo`: runs the whole scenario and ends with its summary line; `dispatch-demo
//! dispatcher --db PATH` is the dispatcher process the scenario starts (and kills).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dispatch_demo::{dispatcher, scenario};

#[derive(Parser)]
#[command(about = "pos-webhooks end to end: SQLite dispatcher, axum receiver, faults and a crash")]
struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
    /// How many order events the POS creates.
    #[arg(long, default_value_t = 200)]
    events: usize,
    /// The share of requests the receiver answers with a fault (0 to 1).
    #[arg(long, default_value_t = 0.3)]
    fault_rate: f64,
    /// The seed of the receiver's fault choices.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Keep the two SQLite databases in this directory (default: a temporary one, removed).
    #[arg(long)]
    dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Sub {
    /// The dispatcher process (started by the scenario).
    Dispatcher {
        /// Its SQLite database.
        #[arg(long)]
        db: PathBuf,
        /// How many attempts may be in flight at once.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Sub::Dispatcher { db, concurrency }) => {
            match dispatcher::run(&db, concurrency).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("dispatcher: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        None => {
            if !(0.0..=1.0).contains(&cli.fault_rate) {
                eprintln!("--fault-rate must be between 0 and 1");
                return ExitCode::from(2);
            }
            let mut options = scenario::Options::new(cli.events, cli.fault_rate);
            options.seed = cli.seed;
            options.dir = cli.dir;
            match scenario::run(&options).await {
                Ok(summary) => {
                    println!("{}", summary.line());
                    if summary.ok() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(e) => {
                    eprintln!("dispatch-demo: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
