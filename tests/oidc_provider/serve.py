"""Start the test OpenID Connect provider: `python tests/oidc_provider/serve.py CONFIG PORT`.

CONFIG is a JSON file: {"database": path, "redirect_uri": the application's /oidc/callback/,
"client_id", "client_secret", "people": [{"username", "password", "sub", "email", "acr", "amr"}]}.
Makes a new RSA signing key, migrates the provider's own SQLite database, registers the
application (RS256, no consent screen) and the people, and serves on 127.0.0.1:PORT until
stopped. For tests/browser/test_oidc_sign_in.py only.
"""

import json
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]


def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def main(config_path: str, port: int) -> None:
    config = json.loads(Path(config_path).read_text())
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["OIDC_PROVIDER_DB"] = config["database"]
    os.environ["OIDC_PROVIDER_KEY"] = private_key_pem()
    os.environ["OIDC_PROVIDER_ISSUER"] = f"http://127.0.0.1:{port}/o"
    os.environ["OIDC_PROVIDER_PEOPLE"] = json.dumps(config["people"])
    sys.path.insert(0, str(ROOT))

    # Django and the provider are imported once the settings are chosen, above.
    import django

    django.setup()

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for person in config["people"]:
        User.objects.create_user(person["username"], password=person["password"])
    Application.objects.create(
        name="Perhelinja",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=config["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
