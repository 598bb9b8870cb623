"""Operations: admin commands, uploads, feedback, the unanswered report, metrics, evaluation."""
