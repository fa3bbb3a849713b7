//! The texts of the mails about accounts. None holds a secret: `{link}` is where the
//! sender puts the link it makes as it sends.

use roster_mail::{Link, NewMail, Purpose};

/// Asks the owner of a new account to confirm its email.
pub fn verify_email(to: &str, account_id: &str, callback: Option<String>) -> NewMail {
    NewMail {
        to: to.to_owned(),
        subject: "Confirm your email address".into(),
        body: "Someone (we hope you) created a Roster account with this email address.\n\n\
               Confirm that it is yours by opening this link within 24 hours:\n\n{link}\n\n\
               If it was not you, ignore this mail: the account stays unconfirmed, and an \
               administrator adding this address takes it back for you.\n"
            .into(),
        link: Some(Link {
            purpose: Purpose::VerifyEmail,
            account_id: account_id.to_owned(),
            callback,
        }),
    }
}

/// A link to choose a new password, on request.
pub fn reset_password(to: &str, account_id: &str, callback: Option<String>) -> NewMail {
    NewMail {
        to: to.to_owned(),
        subject: "Reset your password".into(),
        body: "Someone asked to reset the password of the Roster account of this email \
               address.\n\nChoose a new password by opening this link within an hour (it \
               works once):\n\n{link}\n\nIf it was not you, ignore this mail: your password \
               is unchanged.\n"
            .into(),
        link: Some(reset_link(account_id, callback)),
    }
}

fn reset_link(account_id: &str, callback: Option<String>) -> Link {
    Link {
        purpose: Purpose::ResetPassword,
        account_id: account_id.to_owned(),
        callback,
    }
}

/// An administrator added a person whose account has no password they chose: a link to
/// set one. `reclaimed`: the account had been signed up by someone who never confirmed
/// the address, and that password and its sessions were just revoked.
pub fn set_password(to: &str, account_id: &str, org_name: &str, reclaimed: bool) -> NewMail {
    let mut body = format!(
        "An administrator of {org_name} added you to it on Roster.\n\n\
         Set your password by opening this link within an hour (it works once; ask for \
         another with \"forgot password\" later):\n\n{{link}}\n"
    );
    if reclaimed {
        body.push_str(
            "\nSomeone had signed up with this address before without confirming it. That \
             sign-up's password, sessions and tokens no longer work.\n",
        );
    }
    NewMail {
        to: to.to_owned(),
        subject: format!("You were added to {org_name}: set your password"),
        body,
        link: Some(reset_link(account_id, None)),
    }
}

/// An existing, verified account was added to another org.
pub fn added_to_org(to: &str, org_name: &str) -> NewMail {
    NewMail {
        to: to.to_owned(),
        subject: format!("You were added to {org_name}"),
        body: format!(
            "An administrator of {org_name} added your Roster account to it.\n\n\
             Your sessions stay in the org you chose; switch to {org_name} only if you \
             expected this. If you did not, tell the administrators of {org_name}, or your \
             own administrator.\n"
        ),
        link: None,
    }
}
