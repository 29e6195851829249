//! The client's pages. Each file holds one page: the server function that loads it (thin:
//! who is asking, then one scoped query per piece) and the components that show it.

pub mod appointments;
pub mod plan;
pub mod referrals;
pub mod support;
pub mod today;
