"""JSON batching through msgraph-core's BatchRequestContent and the client's `batch` builder
(msgraph-sdk, /v1.0): the inner requests come from the SDK's own request builders, and the
answers are read back through BatchResponseContent (statuses and headers) and the batch's writes
through the SDK's own request builders."""

from __future__ import annotations

from msgraph.generated.models.authentication_phone_type import AuthenticationPhoneType
from msgraph.generated.models.phone_authentication_method import PhoneAuthenticationMethod
from msgraph.generated.models.phone_authentication_method_collection_response import (
    PhoneAuthenticationMethodCollectionResponse,
)
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.requests.batch_request_item import BatchRequestItem
from msgraph_core.requests.batch_response_content import BatchResponseContent

from service import MOBILE, OFFICE


def item(request_information, request_id: str) -> BatchRequestItem:
    batch_item = BatchRequestItem(request_information=request_information, id=request_id)
    # The SDK sends the url relative to the version, as Graph wants it.
    assert batch_item.url.startswith("/users/")
    return batch_item


async def test_batch_through_the_sdk(v1, tenant):
    upn, _ = tenant.user("alice")
    mobile, office = tenant.number(), tenant.number()
    phone_methods = v1.users.by_user_id(upn).authentication.phone_methods

    content = BatchRequestContent()
    content.add_request("mobile", item(phone_methods.to_post_request_information(PhoneAuthenticationMethod(
        phone_number=mobile, phone_type=AuthenticationPhoneType.Mobile)), "mobile"))
    content.add_request("office", item(phone_methods.to_post_request_information(PhoneAuthenticationMethod(
        phone_number=office, phone_type=AuthenticationPhoneType.Office)), "office"))
    content.add_request("again", item(phone_methods.to_post_request_information(PhoneAuthenticationMethod(
        phone_number=mobile, phone_type=AuthenticationPhoneType.Mobile)), "again"))
    content.add_request("list", item(phone_methods.to_get_request_information(), "list"))
    # dependsOn: msgraph-core 1.5.2 writes it as `depends_on`, which Graph (and phone-service)
    # ignore; the requests run in array order all the same.

    response = await v1.batch.post(content)
    assert isinstance(response, BatchResponseContent)
    assert response.get_response_status_codes() == {"mobile": 201, "office": 201, "again": 409, "list": 200}

    # The typed bodies: msgraph-core 1.5.2 reads an inner `body` only when it is a base64 string
    # (BatchResponseItem uses get_bytes_value), while Graph, and phone-service, embed a JSON body
    # as JSON; so `get_response_by_id(id, Model)` cannot deserialise a phone, here or on Graph.
    # Read the batch's effect back through the SDK's own request builders instead.
    listed = await phone_methods.get()
    assert isinstance(listed, PhoneAuthenticationMethodCollectionResponse)
    assert sorted((m.id, m.phone_number) for m in listed.value) == sorted([(MOBILE, mobile), (OFFICE, office)])
    for request_id in ("mobile", "office", "again", "list"):
        headers = response.responses[request_id].headers
        assert headers["request-id"] and headers["client-request-id"]
    assert response.responses["mobile"].content_type.startswith("application/json;odata.metadata=minimal")
    assert response.responses["again"].headers["Content-Type"] == "application/json"
