from enum import StrEnum

class EtOperationState(StrEnum):
    FAILED = "failed"
    IN_PROGRESS = "in progress"
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
