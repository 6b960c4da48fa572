"""Account commands: who may sign in, with which roles; passwords and command-line tokens.

Every one of them but ``list`` changes accounts, which only an administrator may do (the services
refuse anyone else). A password is read from standard input or asked for without echo, never
taken from the command line, where other users of the machine and the shell's history see it.
"""

from __future__ import annotations

import getpass
import sys

from ..domain.rights import ROLES
from ..errors import ValidationError
from .common import print_json, services_for


def _roles(text: str) -> list[str]:
    roles = [r.strip().lower() for r in (text or "").split(",") if r.strip()]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationError(f"'{', '.join(unknown)}' is not a role; use a comma-separated list of "
                              f"{', '.join(ROLES)}", field="roles")
    return roles


def register(commands) -> None:
    account = commands.add_parser("account", help="accounts, roles, passwords and command-line tokens")
    actions = account.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="every account: login, name, roles, active")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)

    create = actions.add_parser("create", help="a new account (an administrator's command)")
    create.add_argument("login", help="lower-case letters, digits and . _ @ -")
    create.add_argument("--name", required=True, help="the name history shows, e.g. 'Ana Lopez'")
    create.add_argument("--roles", required=True, help=f"comma-separated: {', '.join(ROLES)}")
    create.add_argument("--why", default="Account created.", help="kept in the account's history")
    create.set_defaults(handler=run_create)

    change = actions.add_parser("update", help="change an account's name, roles, or whether it may sign in")
    change.add_argument("login")
    change.add_argument("--name")
    change.add_argument("--roles", help=f"comma-separated: {', '.join(ROLES)} (replaces the current ones)")
    change.add_argument("--active", choices=("yes", "no"), help="no: the account can no longer sign in")
    change.add_argument("--why", required=True, help="kept in the account's history")
    change.set_defaults(handler=run_update)

    password = actions.add_parser("password", help="set or reset an account's password (read from standard "
                                                   "input, or asked for without echo)")
    password.add_argument("login")
    password.add_argument("--why", default="Password set by an administrator.")
    password.set_defaults(handler=run_password)

    token = actions.add_parser("token", help="issue a command-line token for an account; printed once "
                                             "(use it as SSTC_TOKEN)")
    token.add_argument("login")
    token.add_argument("--why", default="Command-line token issued.")
    token.set_defaults(handler=run_token)

    revoke = actions.add_parser("revoke", help="revoke every command-line token of an account")
    revoke.add_argument("login")
    revoke.add_argument("--why", default="Command-line tokens revoked.")
    revoke.set_defaults(handler=run_revoke)


def run_list(args) -> int:
    with services_for(args) as services:
        accounts = services.accounts.list()
    if args.json:
        print_json(accounts)
        return 0
    for head in accounts:
        print("\t".join((head["id"], head.get("title", ""), ",".join(head.get("roles", [])),
                         "active" if head.get("active", True) else "deactivated")))
    return 0


def run_create(args) -> int:
    with services_for(args, acting=True) as services:
        made = services.accounts.create(args.login, name=args.name, roles=_roles(args.roles), why=args.why)
    print(f"account {made.label} created with the roles {', '.join(sorted(made.roles)) or 'none'}; set its "
          f"password with: python -m sstc_docs account password {made.login}", file=sys.stderr)
    return 0


def run_update(args) -> int:
    with services_for(args, acting=True) as services:
        account = services.accounts.update(args.login, why=args.why, name=args.name,
                                           roles=_roles(args.roles) if args.roles is not None else None,
                                           active=None if args.active is None else args.active == "yes")
    print(f"account {account['login']}: {account['name']}, roles {', '.join(account['roles']) or 'none'}, "
          f"{'active' if account['active'] else 'deactivated'}", file=sys.stderr)
    return 0


def run_password(args) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass(f"New password for {args.login}: ")
        if getpass.getpass("Once more: ") != password:
            raise ValidationError("the two passwords differ; nothing was changed", field="password")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with services_for(args, acting=True) as services:
        services.accounts.set_password(args.login, password, why=args.why)
    print(f"password of {args.login} set; only its hash is kept", file=sys.stderr)
    return 0


def run_token(args) -> int:
    with services_for(args, acting=True) as services:
        token = services.accounts.issue_token(args.login, why=args.why)
    print(token)
    print(f"this token acts as {args.login}; it is shown only now (only its hash is kept). Pass it as "
          "SSTC_TOKEN; revoke it with: python -m sstc_docs account revoke " + args.login, file=sys.stderr)
    return 0


def run_revoke(args) -> int:
    with services_for(args, acting=True) as services:
        count = services.accounts.revoke_tokens(args.login, why=args.why)
    print(f"{count} token(s) of {args.login} revoked", file=sys.stderr)
    return 0
