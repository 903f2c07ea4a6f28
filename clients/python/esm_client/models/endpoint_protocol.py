from enum import StrEnum

class EndpointProtocol(StrEnum):
    ALL = "all"
    TCP = "tcp"
    UDP = "udp"

    def __str__(self) -> str:
        return str(self.value)
