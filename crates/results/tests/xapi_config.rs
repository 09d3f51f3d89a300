//! The xAPI settings an operator gives are checked when read: an address statements cannot carry is refused with what to give instead.

use silent_slavery_results::xapi::outbox::{Backoff, Lrs, SyncError};
use silent_slavery_results::xapi::statements::{XapiConfig, XapiConfigError};

fn fault(home_page: &str, activity_base: Option<&str>) -> Option<(&'static str, &'static str)> {
    match XapiConfig::from_settings(
        Some(home_page.to_owned()),
        activity_base.map(str::to_owned),
        None,
    ) {
        Ok(_) => None,
        Err(XapiConfigError::BadAddress { setting, fault, .. }) => Some((setting, fault)),
        Err(other) => panic!("unexpected {other}"),
    }
}

#[test]
fn a_home_page_that_is_not_a_web_address_is_refused() {
    let home = "the xAPI home page (--home-page, SILENT_SLAVERY_XAPI_HOME_PAGE)";
    for (value, expected) in [
        (
            "not a url",
            "is not an absolute IRI (a scheme such as https:, then the address, with no spaces)",
        ),
        ("", "is empty"),
        ("   ", "is empty"),
        (" https://lms.example.org", "has spaces around it"),
        ("https://lms.example.org ", "has spaces around it"),
        (
            "lms.example.org",
            "is not an absolute IRI (a scheme such as https:, then the address, with no spaces)",
        ),
        (
            "mailto:training@example.org",
            "is not an http:// or https:// address",
        ),
        ("https:///path-only", "names no host"),
    ] {
        assert_eq!(fault(value, None), Some((home, expected)), "for {value:?}");
    }
    for good in [
        "https://lms.example.org",
        "http://127.0.0.1:8100/",
        "https://lms.example.org/?tenant=3",
    ] {
        assert_eq!(fault(good, None), None, "for {good:?}");
    }
}

#[test]
fn an_activity_base_must_be_an_absolute_iri_that_can_be_added_to() {
    let base = "the activity base (--activity-base, SILENT_SLAVERY_XAPI_ACTIVITY_BASE)";
    let home = "https://lms.example.org";
    for (value, expected) in [
        (
            "silent-slavery",
            "is not an absolute IRI (a scheme such as https:, then the address, with no spaces)",
        ),
        ("", "is empty"),
        (
            "https://lms.example.org/ss?x=1",
            "has a query (?…) or a fragment (#…), and activity ids are made by adding to its end",
        ),
        (
            "https://lms.example.org/ss#top",
            "has a query (?…) or a fragment (#…), and activity ids are made by adding to its end",
        ),
    ] {
        assert_eq!(
            fault(home, Some(value)),
            Some((base, expected)),
            "for {value:?}"
        );
    }
    for good in [
        "https://lms.example.org/silent-slavery",
        "urn:example:silent-slavery",
    ] {
        assert_eq!(fault(home, Some(good)), None, "for {good:?}");
    }
    let message = XapiConfig::from_settings(Some("not a url".into()), None, None)
        .expect_err("refused")
        .to_string();
    assert!(
        message.contains("\"not a url\"") && message.contains("e.g. https://lms.example.org"),
        "{message}"
    );
}

#[test]
fn an_lrs_endpoint_must_be_a_web_address_without_credentials() {
    let new = |endpoint: &str| Lrs::new(endpoint, "u", "p", Backoff::default());
    assert!(matches!(
        new("lrs.example.org/xAPI"),
        Err(SyncError::BadEndpoint(_))
    ));
    assert!(matches!(
        new("ftp://lrs.example.org/xAPI"),
        Err(SyncError::BadEndpoint(_))
    ));
    assert!(matches!(
        new("https://lrs example.org/xAPI"),
        Err(SyncError::BadEndpoint(_))
    ));
    assert!(matches!(
        new("https://me:secret@lrs.example.org/xAPI"),
        Err(SyncError::CredentialsInUrl)
    ));
    assert!(new(" https://lrs.example.org/xAPI/ ").is_ok());
}
