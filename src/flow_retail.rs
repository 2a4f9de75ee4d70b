//! Flow Retail: tenant webhooks with a thin reference envelope, `{"action", "tenant": {"Id",
//! "Uid"}, "store": {...}, "order": {...}, ...}`.
//!
//! ```
//! use pos_webhooks::{flow_retail::{Action, Envelope}, parse_json};
//! let e: Envelope = parse_json(br#"{"action":"ORDER_SETTLED","tenant":{"Id":7,"Uid":"7"},
//!     "store":{"Id":1,"Uid":"70"},"order":{"Id":7123,"Uid":"700"}}"#).unwrap();
//! assert_eq!(e.action, Some(Action::ORDER_SETTLED));
//! assert_eq!(Action::ORDER_SETTLED.dotted(), "order.settled");
//! assert_eq!(e.store.unwrap().uid.as_deref(), Some("70"));
//! ```

use core::fmt;

use serde::{Deserialize, Serialize};

/// A Flow Retail action: an open set (unknown names are kept), with constants for the known
/// ones.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Action(std::borrow::Cow<'static, str>);

macro_rules! actions {
    ($($name:ident),* $(,)?) => {
        impl Action {
            $(
                #[doc = concat!("`", stringify!($name), "`.")]
                pub const $name: Action = Action(std::borrow::Cow::Borrowed(stringify!($name)));
            )*
            /// Every action Flow Retail documents.
            pub const KNOWN: &'static [Action] = &[$(Action::$name),*];
        }
    };
}

actions!(
    PRODUCT_CREATE,
    PRODUCT_UPDATE,
    PRODUCT_DELETE,
    CUSTOMER_CREATE,
    CUSTOMER_UPDATE,
    CUSTOMER_DELETE,
    ORDER_SETTLED,
    ORDER_RECEIPT_SETTLED,
    ORDER_DELIVERED,
    ORDER_HANDLING_STATE_CHANGED,
    TILL_CLOSED,
    TILL_OPEN,
    PRICE_CREATE,
    PRICE_UPDATE,
    PRICE_DELETE,
    STOCK_CHANGE,
    PRODUCT_MEDIA_CHANGE,
    PURCHASE_RECEIVED,
);

impl Action {
    /// An action by name (known or not).
    pub fn new(name: &str) -> Action {
        Action::KNOWN
            .iter()
            .find(|a| a.as_str() == name)
            .cloned()
            .unwrap_or_else(|| Action(std::borrow::Cow::Owned(name.to_owned())))
    }

    /// The name as Flow Retail writes it (`ORDER_SETTLED`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether Flow Retail documents this action.
    pub fn is_known(&self) -> bool {
        Action::KNOWN.contains(self)
    }

    /// The dotted form shared with the other vendors' event types: lowercase, the first `_`
    /// becomes `.` (`ORDER_RECEIPT_SETTLED` → `order.receipt_settled`).
    pub fn dotted(&self) -> String {
        let lower = self.0.to_ascii_lowercase();
        lower.replacen('_', ".", 1)
    }

    /// The dotted form as an [`EventType`](crate::EventType), for filters and endpoints.
    pub fn event_type(&self) -> crate::EventType {
        crate::EventType::new(self.dotted())
    }

    /// The action for a dotted name (`order.settled` → `ORDER_SETTLED`).
    pub fn from_dotted(dotted: &str) -> Action {
        Action::new(&dotted.replacen('.', "_", 1).to_ascii_uppercase())
    }
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Action({})", self.0)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

json_object! {
    /// A reference to a Flow Retail object: `{"Id": 7, "Uid": "7"}`.
    pub struct Ref {
        /// Numeric id.
        "Id" => id: i64,
        /// Unique id (a string).
        "Uid" => uid: String,
    }
}

json_object! {
    /// A Flow Retail webhook body.
    pub struct Envelope {
        /// What happened.
        required "action" => action: Action,
        /// The tenant.
        "tenant" => tenant: Ref,
        /// The store, for store-scoped actions.
        "store" => store: Ref,
        /// The order, for order actions.
        "order" => order: Ref,
        /// The order handling, for `ORDER_HANDLING_STATE_CHANGED`.
        "orderHandling" => order_handling: Ref,
        /// The customer, for customer actions.
        "customer" => customer: Ref,
        /// The product, for product actions.
        "product" => product: Ref,
        /// The user of the tenant who caused it.
        "tenantUser" => tenant_user: Ref,
    }
}

/// A Flow Retail HTTP transport's security type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "securityType", rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Security {
    /// `NONE`.
    None,
    /// `BASIC_AUTH`.
    BasicAuth {
        /// User name.
        username: String,
        /// Password.
        password: crate::SecretString,
    },
    /// A bearer token.
    BearerToken {
        /// The token.
        token: crate::SecretString,
    },
}

/// A custom header of a transport: `{key, value}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransportHeader {
    /// The header name.
    pub key: String,
    /// The header value.
    pub value: String,
}

/// A webhook attached to a transport: the actions it subscribes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// The actions.
    pub actions: Vec<Action>,
}

/// A tenant's HTTP transport (url, headers, auth) with its webhooks.
///
/// ```
/// use pos_webhooks::flow_retail::{Action, HttpTransport, Security, Webhook};
/// let transport = HttpTransport {
///     url: "https://partner.example/flow".into(),
///     headers: vec![],
///     security: Security::BearerToken { token: "t0k".into() },
///     webhooks: vec![Webhook { actions: vec![Action::ORDER_SETTLED, Action::ORDER_DELIVERED] }],
/// };
/// let endpoints = transport.endpoints().unwrap();
/// assert!(endpoints[0].wants("order.settled", None));
/// assert!(!endpoints[0].wants("till.open", None));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpTransport {
    /// The URL.
    pub url: String,
    /// Custom headers.
    pub headers: Vec<TransportHeader>,
    /// Authentication.
    #[serde(flatten)]
    pub security: Security,
    /// The webhooks attached.
    pub webhooks: Vec<Webhook>,
}

impl HttpTransport {
    /// One endpoint per webhook: the transport's URL, headers and auth, filtered to the
    /// webhook's actions (in their dotted form).
    pub fn endpoints(&self) -> Result<Vec<crate::Endpoint>, crate::EndpointError> {
        let auth = match &self.security {
            Security::None => crate::Auth::None,
            Security::BasicAuth { username, password } => crate::Auth::Basic {
                username: username.clone(),
                password: password.clone(),
            },
            Security::BearerToken { token } => crate::Auth::Bearer {
                token: token.clone(),
            },
        };
        self.webhooks
            .iter()
            .map(|webhook| {
                let names: Vec<String> = webhook.actions.iter().map(Action::dotted).collect();
                let filter = crate::EventFilter::from_names(&names)
                    .unwrap_or_else(|_| crate::EventFilter::none());
                let builder = self.headers.iter().fold(
                    crate::Endpoint::builder(&self.url)
                        .vendor(crate::Vendor::FlowRetail)
                        .auth(auth.clone())
                        .filter(filter),
                    |b, h| b.header(&h.key, &h.value),
                );
                builder.build()
            })
            .collect()
    }
}
