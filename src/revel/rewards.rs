//! Rewards cards (`rewardcard.created`) and the loyalty data inside orders.

use super::{Reference, RevelDateTime};
use crate::{Flag, Money};

json_object! {
    /// A rewards card (`rewardcard.created`).
    pub struct RewardsCard {
        /// Active.
        "active" => active: Flag,
        /// Address.
        "address" => address: crate::JsonValue,
        /// Created by.
        "created_by" => created_by: Reference,
        /// Created date.
        "created_date" => created_date: RevelDateTime,
        /// Current points.
        "current_points" => current_points: Money,
        /// Customer.
        "customer" => customer: Reference,
        /// Error code.
        "error_code" => error_code: i64,
        /// Id.
        "id" => id: i64,
        /// Number.
        "number" => number: String,
        /// Payment type.
        "payment_type" => payment_type: i64,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
        /// Reward points.
        "reward_points" => reward_points: RewardPoints,
        /// Total points.
        "total_points" => total_points: Money,
        /// Total purchases.
        "total_purchases" => total_purchases: Money,
        /// Total visits.
        "total_visits" => total_visits: i64,
        /// Updated by.
        "updated_by" => updated_by: Reference,
        /// Updated date.
        "updated_date" => updated_date: RevelDateTime,
    }
}

json_object! {
    /// Reward points by source.
    pub struct RewardPoints {
        /// Points by items.
        "points_by_items" => points_by_items: Money,
        /// Points by purchases.
        "points_by_purchases" => points_by_purchases: Money,
        /// Points by visits.
        "points_by_visits" => points_by_visits: Money,
    }
}

json_object! {
    /// The loyalty transaction inside an order (`orderInfo.gift_reward_data`, decoded).
    pub struct GiftRewardData {
        /// Id.
        "id" => id: i64,
        /// Reward points.
        "reward_points" => reward_points: RewardPoints,
        /// Payment type.
        "payment_type" => payment_type: i64,
        /// Total points.
        "total_points" => total_points: Money,
        /// Uri.
        "uri" => uri: Reference,
        /// Advancedrewardsinfo.
        "advancedRewardsInfo" => advanced_rewards_info: Vec<AdvancedRewardsInfo>,
        /// Establishment.
        "establishment" => establishment: Reference,
        /// Total purchases.
        "total_purchases" => total_purchases: Money,
        /// Current points.
        "current_points" => current_points: Money,
        /// Address.
        "address" => address: String,
        /// Customer.
        "customer" => customer: String,
        /// Error code.
        "error_code" => error_code: i64,
        /// Updated by.
        "updated_by" => updated_by: Reference,
        /// Created by.
        "created_by" => created_by: Reference,
        /// Updated date.
        "updated_date" => updated_date: RevelDateTime,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
        /// Created date.
        "created_date" => created_date: RevelDateTime,
        /// Total visits.
        "total_visits" => total_visits: i64,
        /// Number.
        "number" => number: String,
    }
}

json_object! {
    /// Advanced rewards details of a loyalty transaction.
    pub struct AdvancedRewardsInfo {
        /// Rewardcardnumber.
        "rewardCardNumber" => reward_card_number: String,
        /// Amountofpurchasesupdated.
        "amountOfPurchasesUpdated" => amount_of_purchases_updated: Money,
        /// Visitsupdated.
        "visitsUpdated" => visits_updated: Flag,
        /// Amountofvisitsupdated.
        "amountOfVisitsUpdated" => amount_of_visits_updated: i64,
        /// Purchasesupdated.
        "purchasesUpdated" => purchases_updated: Flag,
    }
}
