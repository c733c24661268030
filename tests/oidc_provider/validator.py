"""The claims of the test provider's people: a stable `sub` of the provider's own, the email,
and how they signed in (`acr`, `amr`), as serve.py was told."""

import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator

# username -> {"sub", "email", "acr", "amr"}
PEOPLE = {person["username"]: person for person in json.loads(os.environ["OIDC_PROVIDER_PEOPLE"])}


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "acr": "openid", "amr": "openid"}

    def get_additional_claims(self, request):
        person = PEOPLE[request.user.username]
        claims = {"sub": person["sub"], "email": person["email"], "email_verified": True}
        if person.get("acr"):
            claims["acr"] = person["acr"]
        if person.get("amr"):
            claims["amr"] = person["amr"]
        return claims
