from enum import StrEnum

class ServiceRequiresItem(StrEnum):
    ROUTE_FORWARDING = "route_forwarding"
    SYSLOG_DRAIN = "syslog_drain"
    VOLUME_MOUNT = "volume_mount"

    def __str__(self) -> str:
        return str(self.value)
