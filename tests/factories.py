from __future__ import annotations

import factory

from connections.models import ChartMogulAccount, StoreConnection
from saasync.accounts.models import Membership, Tenant, User

DEFAULT_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        """Users made by the factory have a verified primary address, as allauth requires for login."""
        from allauth.account.models import EmailAddress

        obj.save()
        if create:
            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER


class StoreConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreConnection

    tenant = factory.SubFactory(TenantFactory)
    store_url = factory.Sequence(lambda n: f"https://shop{n}.example.test")
    consumer_key = factory.Sequence(lambda n: f"ck_{n:040x}")
    consumer_secret = factory.Sequence(lambda n: f"cs_{n + 7:040x}")


class ChartMogulAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChartMogulAccount

    tenant = factory.SubFactory(TenantFactory)
    api_key = factory.Sequence(lambda n: f"cm-api-key-{n:032d}")
    can_write = True
