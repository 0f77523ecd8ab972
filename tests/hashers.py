"""A cheap Argon2 for tests: same algorithm and hash format ("argon2$argon2id$…"), tiny cost
parameters, so creating users and logging in takes milliseconds instead of ~0.5 s each."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1
