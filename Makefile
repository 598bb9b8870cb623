.PHONY: test lint bench eval

test:
	python -m pytest -q

lint:
	ruff check partnerbot bot retrieval corpus adapters tests benchmarks
	python tests/package_view.py build/pkg >/dev/null  # the installed layout, for mypy
	mypy

bench:
	python -m benchmarks.run

eval:
	partnerbot eval --corpus ../shared/eval/seeds --qa ../shared/eval/seeds/qa.jsonl
