import PhoneStore

/// Whose phone methods a request addresses.
enum UserReference: Sendable, Equatable {
    /// `/me`: the signed-in user of a delegated token.
    case me
    /// `/users/{key}`: an object id or user principal name, percent-decoded.
    case user(String)
}

/// `phoneMethods` (the phone methods) or `methods` (all authentication methods; here, the phones).
enum MethodCollection: String, Sendable, CaseIterable {
    case phoneMethods
    case methods
}

/// A request for a user's authentication methods, as its route's pattern and parameters say.
struct PhoneRoute: Sendable, Equatable {
    var version: APIVersion
    var user: UserReference
    var collection: MethodCollection
    /// The method id as sent, when the path names one.
    var methodID: String?
    /// The phone type behind `methodID` (ids are fixed per type); nil without one or for an unknown one.
    let phoneType: PhoneType?

    init(version: APIVersion, user: UserReference, collection: MethodCollection, methodID: String? = nil) {
        self.version = version
        self.user = user
        self.collection = collection
        self.methodID = methodID
        self.phoneType = methodID.flatMap(PhoneType.init(methodID:))
    }

    /// The phone type the route names, or the error for an id that names none.
    func requirePhoneType() throws(GraphError) -> PhoneType {
        guard let phoneType else {
            // Microsoft's SDKs offer `phone_methods.count` (`…/phoneMethods/$count`): refused by
            // name like the `$count` query option [choice], not reported as a missing method.
            if methodID?.equalsIgnoringASCIICase("$count") == true {
                throw .badRequest("The query option '$count' is not supported for phone methods.")
            }
            throw .methodNotFound(methodID ?? "")
        }
        return phoneType
    }
}
