//! Accounts and sessions (`/api/auth`), on better-auth's wire: its paths, bodies and
//! answers (`shapes`), and its error codes (`wire`, applied to every problem under the
//! path); its organization plugin's routes too.

pub mod account;
pub mod caller;
pub mod email;
pub mod organizations;
pub mod session_list;
pub mod sessions;
pub mod shapes;
pub mod wire;

use account::*;
use email::*;
use organizations::*;
use session_list::*;
use sessions::*;

pub fn register(t: &mut super::Table) {
    t.add(__path_sign_up, sign_up)
        .secret()
        .add(__path_sign_in, sign_in)
        .secret()
        .add(__path_sign_out, sign_out)
        .add(__path_get_session, get_session)
        .secret()
        .add(__path_change_password, change_password)
        .secret()
        .add(__path_update_user, update_user)
        .add(__path_list_sessions, list_sessions)
        .secret()
        .add(__path_revoke_session, revoke_session)
        .add(__path_revoke_sessions, revoke_sessions)
        .add(__path_revoke_other_sessions, revoke_other_sessions)
        .add(__path_list_organizations, list_organizations)
        .add(__path_set_active_organization, set_active_organization)
        .add(__path_send_verification_email, send_verification_email)
        .add(__path_verify_email, verify_email)
        .add(__path_request_password_reset, request_password_reset)
        .add(__path_reset_password_link, reset_password_link)
        .secret()
        .add(__path_reset_password, reset_password);
}
