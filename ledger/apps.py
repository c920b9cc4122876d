from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("存证日志")

    def ready(self) -> None:
        from core.panels import NavLink, register_nav
        from core.scheduler import register_periodic
        from ledger import recorder, tasks

        recorder.connect_signals()
        register_nav(
            NavLink(
                "console",
                "ledger_audit",
                _("存证审计"),
                "ledger_audit",
                90,
                visible=lambda user: user.is_supervisor,
            )
        )
        # The sequencer gives new entries their place in the tree every few seconds; the
        # checkpoint job signs a new tree head at most once a minute, when the tree grew.
        register_periodic("ledger.sequence", 5, tasks.sequence_entries)
        register_periodic("ledger.checkpoint", 60, tasks.issue_checkpoint)
        register_periodic("ledger.audit", 24 * 3600, tasks.audit_ledger)
