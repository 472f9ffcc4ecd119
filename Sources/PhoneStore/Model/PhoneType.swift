/// The kinds of phone a user can register. Graph gives each type a fixed method id, the same for
/// every user.
public enum PhoneType: String, CaseIterable, Sendable {
    case mobile
    case alternateMobile
    case office

    /// The method id Graph uses for this type.
    public var methodID: String {
        switch self {
        case .mobile: "3179e48a-750b-4051-897c-87b9720928f7"
        case .alternateMobile: "b6332ec1-7057-4abe-9331-3d72feddfe41"
        case .office: "e37fc753-ff3b-4958-9484-eaa9425c82bc"
        }
    }

    /// The type whose method id is `id` (compared without regard to ASCII case; the ids are ASCII).
    public init?(methodID id: String) {
        guard let type = Self.allCases.first(where: { $0.methodID.equalsIgnoringASCIICase(id) }) else { return nil }
        self = type
    }

    /// Where a list shows this type: mobile, alternateMobile, office.
    var listOrder: Int {
        switch self {
        case .mobile: 0
        case .alternateMobile: 1
        case .office: 2
        }
    }
}
