//! Accounts and sessions (`/api/auth`), shaped like better-auth's email endpoints.

pub mod sessions;

use sessions::*;

pub fn register(t: &mut super::Table) {
    t.add(__path_sign_up, sign_up)
        .add(__path_sign_in, sign_in)
        .add(__path_sign_out, sign_out)
        .add(__path_get_session, get_session);
}
