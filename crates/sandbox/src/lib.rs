//! Local stand-ins for Salesforce and Marketo, and the harness that starts them with the Actions service.
//! Tests, the app's demo mode, benchmarks and `sia sandbox` all start them through [`Sandbox::start`].

pub mod clock;
mod error;
pub mod harness;
pub mod ids;
pub mod marketo;
mod names;
pub mod prng;
pub mod salesforce;
mod sandbox;
mod store;

pub use clock::Clock;
pub use error::SandboxError;
pub use harness::{
    FaultAction, FaultControl, FaultId, FaultRule, LoggedRequest, Outcome, RequestLog, Served,
};
pub use marketo::{MarketoConfig, MarketoControl, MarketoCredentials};
pub use salesforce::{OrgType, PackageVersion, RemoteSite, SalesforceConfig, SalesforceControl};
pub use sandbox::{
    DEMO_ACTIONS_TOKEN, RunningSandbox, Sandbox, SandboxConfig, SandboxInfo, SandboxPorts,
    start_all,
};
pub use sia_actions_service::{ActionsConfig, ActionsService};
