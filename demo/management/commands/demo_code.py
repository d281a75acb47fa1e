import base64

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from demo.base import DEMO_OTP_SECRET


class Command(BaseCommand):
    help = "Print the demo staff's current two-factor code (for trying the demo without an authenticator app)."

    def handle(self, *args, **options):
        self.stdout.write(f"{totp(base64.b32decode(DEMO_OTP_SECRET)):06d}")
