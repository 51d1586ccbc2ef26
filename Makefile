# Two commands for a newcomer:  `make run`  (set up, build the sample town, open the app)
#                               `make test` (set up, run the whole test suite)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE := sample_data/town.gpkg

.PHONY: run test lint setup sample clean-sample bundle

run: setup sample
	$(BIN)/asset-register info $(SAMPLE)
	$(BIN)/asset-register check $(SAMPLE) --crs EPSG:27700 --depth 1.2 \
	    --wkt "LINESTRING (531130 180930, 531165 180930)" --width 1.0
	$(BIN)/asset-register-gui $(SAMPLE)

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

setup: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e ".[test,build]"
	$(BIN)/pip install --no-deps gdal-utils  # the GeoPackage validator of record (no GDAL bindings needed)
	touch $@

sample: setup $(SAMPLE)

$(SAMPLE):
	$(BIN)/asset-register sample $(SAMPLE)

clean-sample:
	rm -f $(SAMPLE) $(SAMPLE)-wal $(SAMPLE)-shm

bundle: setup
	packaging/build.sh
