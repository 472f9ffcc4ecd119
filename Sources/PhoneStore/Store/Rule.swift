/// Every rule the database enforces, named once. The raw value is the constraint, index or
/// trigger name in `Migrations/`; `StoreError.init(_:)` maps SQLite's failures to these.
public enum Rule: String, CaseIterable, Sendable {
    /// UNIQUE(user_id, phone_type): one phone per type per user.
    case phoneMethodOnePerType = "phone_method_one_per_type"
    /// Trigger: an alternateMobile needs a mobile.
    case alternateMobileRequiresMobile = "alternate_mobile_requires_mobile"
    /// Trigger: the mobile cannot be deleted while an alternateMobile exists.
    case mobileRequiredByAlternateMobile = "mobile_required_by_alternate_mobile"
    /// Trigger: a phone's type and owner never change.
    case phoneTypeImmutable = "phone_type_immutable"
    /// CHECK: the phone number's form.
    case phoneNumberFormat = "phone_number_format"
    /// CHECK: the phone type is one of the three.
    case phoneTypeValid = "phone_type_valid"
    /// Unique index: user principal names are unique without regard to case.
    case userPrincipalNameUnique = "user_principal_name_unique"
    /// CHECK: a user principal name looks like name@domain.
    case userPrincipalNameFormat = "user_principal_name_format"
    /// Primary key / CHECK: a user's object id is a unique lower-case GUID.
    case userIDUnique = "user_id_unique"
    case userIDIsGUID = "user_id_is_guid"
    /// Unique partial index: two users never both hold one number for SMS sign-in.
    case smsSignInNumberUnique = "sms_sign_in_number_unique"
    /// Trigger: a registration carries its mobile's current number.
    case smsSignInNumberMatchesMobile = "sms_sign_in_number_matches_mobile"
    /// CHECK: only a mobile registers for SMS sign-in.
    case smsSignInMobileOnly = "sms_sign_in_mobile_only"
    /// Trigger: a policy target names a user or group that exists.
    case smsPolicyTargetExists = "sms_policy_target_exists"
    /// CHECK: `all_users` is a group.
    case smsPolicyTargetAllUsersIsGroup = "sms_policy_target_all_users_is_group"
    /// Unique index: group names are unique without regard to case.
    case groupDisplayNameUnique = "group_display_name_unique"
    case groupDisplayNameNotEmpty = "group_display_name_not_empty"
    /// Primary key / CHECK: a group's id is a unique lower-case GUID.
    case groupIDUnique = "group_id_unique"
    case groupIDIsGUID = "group_id_is_guid"
    /// Primary key / CHECK: an app registration's client id is a unique lower-case GUID.
    case appIDUnique = "app_registration_app_id_unique"
    case appIDIsGUID = "app_registration_app_id_is_guid"
    case appDisplayNameNotEmpty = "app_registration_display_name_not_empty"

    /// The `table.column, ...` list SQLite names in "UNIQUE constraint failed: ..." for rules
    /// enforced by a UNIQUE constraint or index (SQLite reports columns, not the constraint name).
    var uniqueColumns: String? {
        switch self {
        case .phoneMethodOnePerType: "phone_method.user_id, phone_method.phone_type"
        case .userPrincipalNameUnique: "user.user_principal_name"
        case .userIDUnique: "user.id"
        case .smsSignInNumberUnique: "sms_sign_in.phone_number"
        case .groupDisplayNameUnique: "directory_group.display_name"
        case .groupIDUnique: "directory_group.id"
        case .appIDUnique: "app_registration.app_id"
        default: nil
        }
    }
}
