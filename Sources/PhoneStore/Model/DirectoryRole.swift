/// The directory roles phone-service knows, by Entra ID role template id (as in a token's `wids`).
public enum DirectoryRole: String, CaseIterable, Sendable {
    case globalAdministrator = "62e90394-69f5-4237-9190-012177145e10"
    case privilegedAuthenticationAdministrator = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"
    case authenticationAdministrator = "c4e39bd9-1100-46d3-8c65-fb160da0071f"
    case authenticationPolicyAdministrator = "0526716b-113d-4c15-b2c8-68e3c22b9f80"
    case globalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"

    /// The name used on the command line (`--role authenticationAdministrator`).
    public var name: String {
        switch self {
        case .globalAdministrator: "globalAdministrator"
        case .privilegedAuthenticationAdministrator: "privilegedAuthenticationAdministrator"
        case .authenticationAdministrator: "authenticationAdministrator"
        case .authenticationPolicyAdministrator: "authenticationPolicyAdministrator"
        case .globalReader: "globalReader"
        }
    }

    /// A role by template id or by name, without regard to case.
    public init?(nameOrTemplateID value: String) {
        let match = Self.allCases.first {
            $0.rawValue.caseInsensitiveCompare(value) == .orderedSame
                || $0.name.caseInsensitiveCompare(value) == .orderedSame
        }
        guard let match else { return nil }
        self = match
    }

    /// Roles that make their holder an administrator, whom an Authentication Administrator may not
    /// manage.
    public var isAdministrator: Bool {
        switch self {
        case .globalAdministrator, .privilegedAuthenticationAdministrator, .authenticationAdministrator,
            .authenticationPolicyAdministrator:
            true
        case .globalReader: false
        }
    }
}
