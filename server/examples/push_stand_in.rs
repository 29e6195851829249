//! The tests' Web Push service stand-in as a program, for benchmarks that drive it from
//! outside Rust: `push_stand_in [PORT]` prints `listening ADDRESS`; then each line `subscribe`
//! on stdin prints a new subscription as JSON, `count` prints how many messages have arrived,
//! and the end of stdin stops it.
#[path = "../tests/api/push_service.rs"]
mod push_service;

use std::io::BufRead;

fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .map_or(0, |port| port.parse().expect("PORT is a port number"));
    let runtime = tokio::runtime::Runtime::new().expect("Tokio runtime");
    let service = runtime.block_on(push_service::PushService::start_on(port));
    println!("listening {}", service.address());
    // Read on this thread; the runtime's workers serve meanwhile.
    for line in std::io::stdin().lock().lines() {
        match line.expect("read stdin").trim() {
            "subscribe" => println!(
                "{}",
                serde_json::to_string(&service.subscribe()).expect("subscription as JSON")
            ),
            "count" => println!("{}", service.arrived_count()),
            "" => {}
            other => eprintln!("unknown command {other:?}: subscribe or count"),
        }
    }
}
