from enum import StrEnum

class VolumeMountDeviceType(StrEnum):
    SHARED = "shared"

    def __str__(self) -> str:
        return str(self.value)
