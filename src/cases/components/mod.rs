//! Case screens: the contacts list, "New client or case", and the case page, one module
//! each; `payer` is the chooser they share.

use super::api::{
    add_diagnosis, add_member, care_staff, contacts, create_case, end_membership, get_case_details,
    promote_member, set_case_payer, set_member_payer, update_case,
};
use super::{Added, CaseDetails, CaseEdit, Member, NewCase, PayerView};
use crate::auth::components::use_viewer;
use crate::auth::Viewer;
use crate::domain::billing::Payer;
use crate::domain::cases::CaseKind;
use crate::domain::groups::suggest_initials;
use crate::domain::people::PersonKind;
use crate::domain::services::format_money;
use crate::domain::{AccountId, CaseId, PersonId, ServiceId};
use crate::error::AppError;
use crate::people::api::create_person;
use crate::people::components::PersonPicker;
use crate::people::PersonSummary;
use crate::services::api::list_services;
use crate::services::Service;
use crate::ui::{debounced, kept, loaded, or_not_found, route_id, Kept, SEARCH_PAUSE_MS};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

mod case_page;
mod contacts;
mod new_case;
mod payer;
mod shares;
use new_case::services_for;

pub use case_page::CasePage;
pub use contacts::ContactsPage;
pub use new_case::NewCasePage;

use new_case::parse_capacity;
use payer::{payer_from, payer_type_of, PayerChooser, PayerType};
use shares::{ShareOwner, Shares};

fn error_of<T: Clone + Send + Sync + 'static>(
    a: Action<impl Send + Sync + 'static, Result<T, AppError>>,
) -> impl Fn() -> Option<AnyView> + Copy {
    move || {
        a.value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any())
    }
}
