"""factory_boy factories: the few rows a unit test needs, instead of loading a whole seed.

Models are named as "app.Model" strings so importing this module needs no app registry. Every factory
makes valid rows with unique names; pass what a test is about and let the rest default, e.g.

    action = ActionFactory(owner_team__name="Commissioning and Resources", due_end=date(2027, 3, 31))
    user = UserFactory(role=COMMISSIONER, teams=[action.owner_team])

Tests whose subject IS a seed (test_seed.py, test_fixture*.py) keep loading the seed.
"""

from __future__ import annotations

from datetime import date

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

PASSWORD = "correct-horse-battery-staple-42"


# -- sufficiency ----------------------------------------------------------------------------------------


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = "sufficiency.Team"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class LocalAuthorityFactory(DjangoModelFactory):
    """A made-up authority (codes E99xxxxxx are not ONS codes, so they never meet a real one)."""

    class Meta:
        model = "sufficiency.LocalAuthority"
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"E99{n:06d}")
    dfe_number = factory.Sequence(lambda n: f"{900 + n % 100}")
    name = factory.Sequence(lambda n: f"Testshire {n}")
    kind = "la"

    @factory.post_generation
    def neighbours(self, create, extracted, **kwargs):
        if create and extracted:
            self.statistical_neighbours.set(extracted)


class UserFactory(DjangoModelFactory):
    """A user with the test PASSWORD; `role=` puts them in a role group, `teams=` / `las=` grant those."""

    class Meta:
        model = "sufficiency.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    first_name = factory.LazyAttribute(lambda o: o.username.title())
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not (create and extracted):
            return
        from django.contrib.auth.models import Group

        from sufficiency.roles import setup_roles

        group = Group.objects.filter(name=extracted).first()
        if group is None:
            setup_roles()
            group = Group.objects.get(name=extracted)
        self.groups.add(group)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        for team in extracted or ():
            if isinstance(team, str):
                team = TeamFactory(name=team)
            self.teams.add(team)

    @factory.post_generation
    def las(self, create, extracted, **kwargs):
        from sufficiency.models import LocalAuthority

        for la in extracted or ():
            if isinstance(la, str):
                la = LocalAuthority.objects.get(code=la)
            self.local_authorities.add(la)


# -- priorities -----------------------------------------------------------------------------------------


class PortfolioFactory(DjangoModelFactory):
    class Meta:
        model = "priorities.Portfolio"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Portfolio {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    order = factory.Sequence(lambda n: n)


class ThemeFactory(DjangoModelFactory):
    """One of the strategy's themes; ThemeFactory(name="Build") gives the seed's Build."""

    class Meta:
        model = "priorities.Theme"
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Theme {n}")
    code = factory.LazyAttribute(lambda o: slugify(o.name))
    definition = factory.LazyAttribute(lambda o: f"What {o.name} means.")
    order = factory.Sequence(lambda n: n)


class PriorityFactory(DjangoModelFactory):
    class Meta:
        model = "priorities.Priority"

    portfolio = factory.SubFactory(PortfolioFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    order = factory.Sequence(lambda n: n)


class ActionFactory(DjangoModelFactory):
    """An open action, due at the end of March 2027 (green until then), owned by a new team."""

    class Meta:
        model = "priorities.Action"
        skip_postgeneration_save = True

    priority = factory.SubFactory(PriorityFactory)
    description = factory.Sequence(lambda n: f"Action {n}: commission what the plan needs")
    owner_team = factory.SubFactory(TeamFactory)
    assigned_to_text = factory.LazyAttribute(lambda o: o.owner_team.name)
    timescale_text = "By March 2027"
    due_start = date(2026, 4, 1)
    due_end = date(2027, 3, 31)
    status = "In progress"
    status_text = factory.LazyAttribute(lambda o: o.status)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        for theme in extracted or ():
            self.themes.add(ThemeFactory(name=theme) if isinstance(theme, str) else theme)

    @factory.post_generation
    def co_owner_teams(self, create, extracted, **kwargs):
        for team in extracted or ():
            self.co_owner_teams.add(TeamFactory(name=team) if isinstance(team, str) else team)


# -- FLOURISH -------------------------------------------------------------------------------------------


class ImpactAreaFactory(DjangoModelFactory):
    class Meta:
        model = "flourish.ImpactArea"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Z{n % 1000}")
    name = factory.Sequence(lambda n: f"Impact area {n}")
    impact_statement = factory.LazyAttribute(lambda o: f"Children and young people flourish in {o.name}.")
    order = factory.Sequence(lambda n: n)


class OutcomeFactory(DjangoModelFactory):
    class Meta:
        model = "flourish.Outcome"
        django_get_or_create = ("code",)

    area = factory.SubFactory(ImpactAreaFactory)
    code = factory.Sequence(lambda n: f"O{n}")
    statement = factory.Sequence(lambda n: f"Outcome statement {n}")
    order = factory.Sequence(lambda n: n)


class DeterminantFactory(DjangoModelFactory):
    class Meta:
        model = "flourish.Determinant"

    kind = "tailored"
    name = factory.Sequence(lambda n: f"Determinant {n}")
    area = factory.SubFactory(ImpactAreaFactory)
    order = factory.Sequence(lambda n: n)


class MeasureFactory(DjangoModelFactory):
    """A register measure (higher is better, no rules) in a new impact area."""

    class Meta:
        model = "flourish.Measure"
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"measure_{n}")
    title = factory.Sequence(lambda n: f"Measure {n} (%)")
    unit = "%"
    polarity = "higher"
    area = factory.SubFactory(ImpactAreaFactory)
    source = "A published statistical release"
    frequency = "Annual"

    @factory.post_generation
    def outcomes(self, create, extracted, **kwargs):
        if create and extracted:
            self.outcomes.set(extracted)


class FlourishValueFactory(DjangoModelFactory):
    """A value of a FLOURISH measure for a period (Norfolk unless `area=`)."""

    class Meta:
        model = "flourish.MeasureValue"

    measure = factory.SubFactory(MeasureFactory)
    period = factory.Sequence(lambda n: f"{2015 + n % 30}")
    period_end = factory.LazyAttribute(lambda o: date(int(o.period[:4]), 12, 31) if o.period[:4].isdigit() else None)
    value = 50.0


class ActionLinkFactory(DjangoModelFactory):
    class Meta:
        model = "flourish.ActionLink"

    measure = factory.SubFactory(MeasureFactory)
    action = factory.SubFactory(ActionFactory)
