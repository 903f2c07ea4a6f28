from enum import StrEnum

class EtOperationKind(StrEnum):
    BIND = "bind"
    DEPROVISION = "deprovision"
    PROVISION = "provision"
    UNBIND = "unbind"
    UPDATE = "update"

    def __str__(self) -> str:
        return str(self.value)
