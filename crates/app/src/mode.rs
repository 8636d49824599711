//! Which services the app works against, decided here and nowhere else: the built-in stand-ins
//! or the real Marketo and Salesforce; and whether Actions is reached through an Actions admin
//! API (the demo's stand-in, or one the admin connected in Settings) or guided in Actions' own UI,
//! as the real product requires (it publishes no admin API).

use serde::{Deserialize, Serialize};
use sia_core::Preference;
use sia_vault::Service;
use ts_rs::TS;

use crate::state::{AppState, RunMode};

/// How the app reaches Actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ActionsAccess {
    /// The admin does each Actions step in Actions' own UI; the app guides and checks evidence.
    Guided,
    /// An Actions admin API does the Actions steps.
    AdminApi,
}

impl ActionsAccess {
    fn tag(self) -> &'static str {
        match self {
            ActionsAccess::Guided => "guided",
            ActionsAccess::AdminApi => "adminApi",
        }
    }
}

/// The mode the dashboard, every step screen and `sia` show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Mode {
    /// True with the built-in stand-ins.
    pub demo: bool,
    pub actions: ActionsAccess,
}

impl Mode {
    /// The real product: no Actions admin API, every Actions step guided.
    pub fn is_guided(self) -> bool {
        self.actions == ActionsAccess::Guided
    }

    /// A short name for logs and `sia status`: `demo`, `demo-guided`, `real-product`, `actions-api`.
    pub fn name(self) -> &'static str {
        match (self.demo, self.actions) {
            (true, ActionsAccess::AdminApi) => "demo",
            (true, ActionsAccess::Guided) => "demo-guided",
            (false, ActionsAccess::Guided) => "real-product",
            (false, ActionsAccess::AdminApi) => "actions-api",
        }
    }
}

impl AppState {
    /// The mode now. Outside the demo, an Actions admin API is used only when the admin saved one
    /// in Settings; in the demo, the stand-in's API is on unless the admin chose the guided way.
    pub fn mode(&self) -> Mode {
        let demo = self.run_mode == RunMode::Demo;
        let actions = if demo {
            let saved = self
                .with_store(|s| s.preference(Preference::DemoActionsAccess))
                .ok()
                .flatten();
            match saved.as_deref() {
                Some("guided") => ActionsAccess::Guided,
                _ => ActionsAccess::AdminApi,
            }
        } else {
            let saved = self
                .vault
                .as_ref()
                .ok()
                .and_then(|v| v.record(Service::Actions, self.environment()));
            match saved {
                Some(_) => ActionsAccess::AdminApi,
                None => ActionsAccess::Guided,
            }
        };
        Mode { demo, actions }
    }

    /// Demo only: run the demo with or without the stand-in's Actions admin API.
    pub fn set_demo_actions_access(&self, access: ActionsAccess) -> crate::AppResult<Mode> {
        if self.run_mode != RunMode::Demo {
            return Err(crate::AppError::new(
                "app_demo_only",
                "This is only available with the built-in demo services.",
            ));
        }
        self.with_store(|s| s.set_preference(Preference::DemoActionsAccess, access.tag()))?;
        Ok(self.mode())
    }
}
