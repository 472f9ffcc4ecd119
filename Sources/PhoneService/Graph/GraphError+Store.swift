import PhoneStore

extension GraphError {
    /// The one place any failure becomes a Graph error, for Graph and admin routes alike: a Graph
    /// error as it is, a store error mapped below, anything else a 500 that keeps its cause.
    init(_ error: any Error) {
        switch error {
        case let error as GraphError: self = error
        case let error as StoreError: self.init(error)
        default: self = .internalError(cause: String(describing: error))
        }
    }

    /// Store errors as Graph reports them. The switch is exhaustive, so a new rule cannot ship
    /// without a status and a code; an error that is the service's own fault keeps its cause.
    init(_ error: StoreError) {
        switch error {
        case .rule(let rule):
            self = GraphError(rule)
            if status >= 500 { cause = error.description }
        case .userNotFound(let key): self = .userNotFound(key)
        case .phoneMethodNotFound(let type): self = .methodNotFound(type.methodID)
        case .groupNotFound(let key): self = .userNotFound(key)
        case .appNotFound(let appID):
            self = GraphError.itemNotFound("There is no application '\(appID)'.")
        case .smsSignInNeedsMobile(let type):
            self = .badRequest(
                "SMS sign-in applies only to the mobile phone method; this method is '\(type.rawValue)'.")
        case .smsSignInNotAllowedByPolicy: self = .smsSignInNotAllowedByPolicy
        case .database(let sqlite) where sqlite.isBusy:
            var busy = GraphError.serviceNotAvailable
            busy.headers["Retry-After"] = "1"
            busy.cause = error.description
            self = busy
        case .snapshotNotFound(let name):
            self = GraphError.itemNotFound("There is no snapshot '\(name)'.")
        case .snapshotExists(let name):
            self = .conflict("A snapshot '\(name)' exists; delete it first or choose another name.")
        case .snapshotIncompatible(let reason):
            self = .badRequest("The snapshot cannot be restored: \(reason).")
        case .restoreSourceDamaged(let problem):
            self = .badRequest("The snapshot fails its integrity check: \(problem).")
        case .schemaTooNew, .migrationBrokeForeignKey, .notPhoneServiceDatabase, .writerStopped, .database,
            .restoreSourceMissing, .restoreWouldOverwrite, .noTenant, .journalFailed, .unexpected:
            self = .internalError(cause: error.description)
        }
    }

    init(_ rule: Rule) {
        switch rule {
        case .phoneMethodOnePerType:
            self = .conflict(
                "The user already has a phone method of this phoneType; a user has at most one of each type.")
        case .alternateMobileRequiresMobile:
            self = .conflict("An alternateMobile phone method requires a mobile phone method; add the mobile first.")
        case .mobileRequiredByAlternateMobile:
            self = .conflict(
                "The mobile phone method cannot be deleted while an alternateMobile exists; delete the alternateMobile first."
            )
        case .phoneTypeImmutable:
            self = .badRequest("Property 'phoneType' cannot be changed.")
        case .phoneNumberFormat:
            self = .badRequest("Invalid phone number. Expected \(PhoneNumber.expectedForm).")
        case .phoneTypeValid:
            self = .badRequest("Property 'phoneType' must be mobile, alternateMobile or office.")
        case .userPrincipalNameUnique, .userIDUnique:
            self = .conflict("A user with this userPrincipalName or id already exists.")
        case .userPrincipalNameFormat:
            self = .badRequest("A userPrincipalName must look like name@domain, without spaces or '/'.")
        case .userIDIsGUID:
            self = .badRequest("A user id must be a GUID.")
        case .smsSignInNumberUnique:
            self = .phoneNumberNotUnique
        case .smsPolicyTargetExists:
            self = .badRequest("A policy target names a user or group that does not exist.")
        case .smsPolicyTargetAllUsersIsGroup:
            self = .badRequest("The target 'all_users' must have targetType 'group'.")
        case .groupDisplayNameUnique, .groupIDUnique:
            self = .conflict("A group with this name or id already exists.")
        case .groupDisplayNameNotEmpty:
            self = .badRequest("A group needs a name.")
        case .groupIDIsGUID:
            self = .badRequest("A group id must be a GUID.")
        case .appIDUnique:
            self = .conflict("An application with this appId already exists.")
        case .appIDIsGUID:
            self = .badRequest("An appId must be a GUID.")
        case .appDisplayNameNotEmpty:
            self = .badRequest("An application needs a displayName.")
        case .smsSignInNumberMatchesMobile, .smsSignInMobileOnly:
            // The store writes registrations itself from the stored mobile: reaching these is a bug.
            self = .generalException
        }
    }
}
