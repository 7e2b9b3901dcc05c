from django.core.management.base import BaseCommand

from ppaos.demo.services import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Build the demo province Mukdahan (49): villages and one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="random seed (deterministic)")
        parser.add_argument(
            "--households",
            type=int,
            default=0,
            help="the demo province has this many households (with members, verified surveys "
            "and welfare-registry rows); running again with the same number adds nothing",
        )

    def handle(self, *args, seed: int, households: int = 0, **options):
        result = seed_demo(seed=seed)
        self.stdout.write(
            f"Demo province ready: {result['villages_created']} villages created, "
            f"{result['users']} demo users."
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<12} {demo.role:<20} {demo.area_code or ''}")
        if households > 0:
            from households.demo import seed_demo_households

            made = seed_demo_households(count=households, seed=seed)
            self.stdout.write(
                f"Demo households: {made['households']} households, {made['persons']} persons, "
                f"{made['surveys']} verified surveys, {made['registrants']} registry rows."
            )
            from masterplans.demo import seed_demo_plans

            plans = seed_demo_plans(seed=seed)
            self.stdout.write(
                f"Demo master plans: {plans['laos']} local administrative organisations, "
                f"{plans['plans']} plans with {plans['projects']} projects "
                f"({plans.get('households', 0)} households added to the planned villages)."
            )
