//! Accounts and sessions (`/api/auth`), shaped like better-auth's email endpoints and
//! its organization plugin.

pub mod email;
pub mod organizations;
pub mod sessions;

use email::*;
use organizations::*;
use sessions::*;

pub fn register(t: &mut super::Table) {
    t.add(__path_sign_up, sign_up)
        .secret()
        .add(__path_sign_in, sign_in)
        .secret()
        .add(__path_sign_out, sign_out)
        .add(__path_get_session, get_session)
        .secret()
        .add(__path_list_organizations, list_organizations)
        .add(__path_set_active_organization, set_active_organization)
        .add(__path_send_verification_email, send_verification_email)
        .add(__path_verify_email, verify_email)
        .add(__path_request_password_reset, request_password_reset)
        .add(__path_reset_password_link, reset_password_link)
        .secret()
        .add(__path_reset_password, reset_password);
}
