"""poscare_verify: check a poscare ledger receipt without trusting poscare.

    python -m poscare_verify receipt.json --key 'poscare.example/ledger+1a2b3c4d+AT…'

Standard library plus `cryptography`; no Django, no database. See `receipt.py`.
"""
