from enum import StrEnum

class LastOperationState(StrEnum):
    FAILED = "failed"
    IN_PROGRESS = "in progress"
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
