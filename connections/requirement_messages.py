"""What the checklist tells a merchant: the problem in their words and the exact fix.

Kept apart from the checks so the wording can be reviewed (and improved) without reading HTTP code.
"""

from __future__ import annotations

from connections.clients.woocommerce import WooCommerceError

KEYS_PAGE = "WooCommerce → Settings → Advanced → REST API"


class Messages:
    @staticmethod
    def blocked_address(url: str) -> str:
        return (
            f"{url} points to a private or internal network address, which SaaSync cannot reach from the "
            "internet. Enter your store's public address, the one your customers open in their browser."
        )

    @staticmethod
    def tls_invalid(url: str) -> str:
        return (
            f"The HTTPS certificate of {url} is not valid (expired, self-signed, or issued for another name), "
            "so SaaSync cannot safely send your API key to it. Install a valid certificate — most hosts offer a "
            "free Let's Encrypt certificate in their control panel — then check again."
        )

    @staticmethod
    def redirect_loop(chain: list[str]) -> str:
        path = " → ".join(chain[:6]) if chain else "the same addresses"
        return (
            f"Your store redirects in a loop ({path}). This usually happens when WordPress's addresses and the "
            "host's HTTPS or www redirect disagree. In WordPress, open Settings → General, make “WordPress "
            "Address” and “Site Address” the same https:// address, save, and check again."
        )

    @staticmethod
    def unreachable(url: str) -> str:
        return (
            f"SaaSync could not reach {url}. Check that the address is spelled correctly and that the site opens "
            "in a browser, then check again. If the site is up, your host or firewall may be blocking us."
        )

    @staticmethod
    def redirected_elsewhere(entered: str, final: str) -> str:
        return (
            f"{entered} redirects to {final}. Use {final} as your store address (go back to the first step), "
            "so the API key and webhooks are sent straight to the real site."
        )

    @staticmethod
    def rest_api_blocked() -> str:
        return (
            "Your store's REST API did not answer with data: a security plugin, firewall or the host may be "
            "blocking /wp-json/. Allow requests to /wp-json/ (check plugins such as Wordfence or iThemes, and "
            "your host's firewall), then check again."
        )

    @staticmethod
    def plain_permalinks() -> str:
        return (
            "Your store uses plain permalinks, which SaaSync does not support (WooCommerce before 11.1 ignores API "
            "keys there, and many hosts then answer with web pages instead of data). In "
            "WordPress, open Settings → Permalinks, choose any structure except Plain (for example “Post name”), "
            "and save. Then check again."
        )

    @staticmethod
    def woocommerce_missing() -> str:
        return (
            "WooCommerce's REST API is missing from this site. In WordPress, open Plugins and make sure "
            "WooCommerce 3.5 or newer is installed and activated, then check again."
        )

    @staticmethod
    def home_unknown() -> str:
        return "The store did not tell us its Site Address, so we could not compare it with what you entered."

    @staticmethod
    def www_mismatch(entered: str, home: str) -> str:
        return (
            f"WordPress says your store's address is {home}, but you entered {entered}. Go back to the first "
            f"step and enter {home} exactly, so requests and webhooks use the address WordPress expects."
        )

    @staticmethod
    def home_is_http(home: str) -> str:
        return (
            f"WordPress's Site Address is {home} (plain http). SaaSync will use HTTPS, but links and webhook "
            "headers from the store will say http. In Settings → General, change both addresses to https://."
        )

    @staticmethod
    def use_https(home: str) -> str:
        return f"Your store's Site Address is {home}. Go back to the first step and enter {home} instead."

    @staticmethod
    def address_mismatch(entered: str, home: str) -> str:
        return (
            f"WordPress says your store's address is {home}, not {entered}. Enter {home} in the first step, or, "
            f"if {entered} is right, fix Settings → General → Site Address in WordPress."
        )

    @staticmethod
    def key_rejected(error: WooCommerceError, store_url: str) -> str:
        message = error.message or ""
        if "secret is invalid" in message.lower():
            return (
                "The consumer secret does not belong to this consumer key. WooCommerce shows the secret only "
                f"once: in {KEYS_PAGE}, revoke the key, create a new one, and copy both values here."
            )
        if "read permission" in message.lower():
            return (
                "This key is Write-only; SaaSync needs to read your orders and subscriptions. In "
                f"{KEYS_PAGE}, edit the key (or create a new one) and choose Read/Write."
            )
        if store_url.startswith("http://"):
            return (
                "WooCommerce did not recognise the key. Your store uses plain http, where WooCommerce only "
                f"accepts signed requests: check that the key is copied exactly from {KEYS_PAGE}, that the "
                "store's clock is correct, and consider switching the store to https://."
            )
        return (
            f"WooCommerce did not recognise this consumer key. Copy it again from {KEYS_PAGE} (it starts with "
            "ck_), or create a new key for a Shop Manager with Read/Write permission."
        )

    @staticmethod
    def store_error(error: WooCommerceError) -> str:
        if error.status and error.status >= 500:
            return (
                f"The store answered with an error ({error.status}). It may be overloaded or a plugin may be "
                "failing; open the site in a browser, then check again in a few minutes."
            )
        if error.status == 429:
            return "Your host is rate-limiting SaaSync's requests. Wait a minute, then check again."
        return (
            "The store gave an answer SaaSync did not expect. Check again; if it persists, contact support "
            "with the details below."
        )

    @staticmethod
    def authorization_header_stripped() -> str:
        return (
            "Your host removes the Authorization header, so SaaSync sends the key as URL parameters instead "
            "(it works, but your host's access logs may record the key). To avoid that, ask your host to pass "
            "the Authorization header through to PHP (Apache: “SetEnvIf Authorization (.*) HTTP_AUTHORIZATION=$1”)."
        )

    @staticmethod
    def plain_http_store() -> str:
        return (
            "Your store uses plain http. SaaSync signs every request (OAuth 1.0a) so your secret is never sent, "
            "but your orders travel unencrypted. Install an HTTPS certificate and change the store address to "
            "https:// when you can."
        )

    @staticmethod
    def wrong_role() -> str:
        return (
            "This API key belongs to a WordPress user who cannot manage WooCommerce (for example a Customer). "
            f"In {KEYS_PAGE}, click “Add key”, pick a user with the Shop Manager or Administrator role, choose "
            "Read/Write, and enter the new key here."
        )

    @staticmethod
    def old_woocommerce(version: str) -> str:
        return (
            f"Your store runs WooCommerce {version or '(unknown version)'}; SaaSync needs 3.5 or newer for REST "
            "API v3. Update WooCommerce in Dashboard → Updates (back up first), then check again."
        )

    @staticmethod
    def old_wordpress(version: str) -> str:
        return (
            f"Your store runs WordPress {version or '(unknown version)'}; SaaSync needs 4.4 or newer. Update "
            "WordPress in Dashboard → Updates, then check again."
        )

    @staticmethod
    def no_modified_after(version: str) -> str:
        return (
            f"WooCommerce {version} cannot list only recently changed orders (that arrived in 5.8), so each "
            "sync re-reads more of your store and takes longer. Updating WooCommerce makes syncs faster."
        )

    @staticmethod
    def subscriptions_missing() -> str:
        return (
            "WooCommerce Subscriptions is not active on this store, and SaaSync reads your subscriptions "
            "through it. In WordPress, open Plugins and activate WooCommerce Subscriptions (the extension from "
            "WooCommerce.com), then check again."
        )

    @staticmethod
    def subscriptions_routes_missing(version: str) -> str:
        return (
            f"WooCommerce Subscriptions {version or '(unknown version)'} is active but its REST API "
            "(/wc/v3/subscriptions) is missing. Update WooCommerce Subscriptions to 3.1 or newer. (Stores using "
            "only the subscriptions built into WooPayments do not have this API.)"
        )

    @staticmethod
    def read_only_key() -> str:
        return (
            "This key is Read-only. Syncing works, but SaaSync cannot add the store's webhooks for you: the "
            "webhooks step will show exactly which ones to add by hand. (Or create a Read/Write key instead.)"
        )

    @staticmethod
    def chartmogul_key_rejected() -> str:
        return (
            "ChartMogul did not accept this API key. In ChartMogul, open your profile → API keys, create a key "
            "with Read & Write access, and paste it here."
        )

    @staticmethod
    def chartmogul_read_only() -> str:
        return (
            "ChartMogul does not let this key write (it is read-only, or the account's trial has ended), and "
            "SaaSync needs to write your data. In ChartMogul, open your profile → API keys, create a key with "
            "Read & Write access, and paste it here."
        )

    @staticmethod
    def chartmogul_account_refused() -> str:
        return (
            "ChartMogul refused requests from this account (its trial may have ended or a payment failed). "
            "Check your ChartMogul subscription under Settings → Billing, then try again."
        )

    @staticmethod
    def chartmogul_other_account(hosts: list[str]) -> str:
        return (
            "This key belongs to another ChartMogul account: it cannot reach the data sources of "
            + ", ".join(hosts)
            + ". Use a key of the ChartMogul account those stores send to, or disconnect them first."
        )

    @staticmethod
    def chartmogul_unreachable() -> str:
        return "SaaSync could not reach ChartMogul just now. Try again in a minute; if it persists, contact support."
