//! Accounts and sessions (`/api/auth`), shaped like better-auth's email endpoints and
//! its organization plugin.

pub mod organizations;
pub mod sessions;

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
        .add(__path_set_active_organization, set_active_organization);
}
