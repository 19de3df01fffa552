"""Write the runner's fixture notebooks (run from the project root to regenerate).

``notebooks/``  small notebooks for the runner tests: parameters, printing,
                plotting, raising, sleeping past a timeout, killing the kernel,
                leaking state.
``collection/`` a stand-in for the real collection (same names as
                notebooks/00..05) that imports pandas, matplotlib, statsmodels
                and seaborn and draws charts, for the benchmark and the
                default-batch tests until the real notebooks exist.

    .venv/bin/python tests/runner_fixtures/make_fixtures.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def notebook(title: str, parameters: str | None, *cells: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells.append(new_markdown_cell(f"# {title}"))
    if parameters is not None:
        cell = new_code_cell(parameters.strip())
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    for source in cells:
        if source.startswith("md:"):
            nb.cells.append(new_markdown_cell(source[3:].strip()))
        else:
            nb.cells.append(new_code_cell(source.strip()))
    for i, cell in enumerate(nb.cells):  # stable ids: regenerating gives the same files
        cell["id"] = f"cell-{i}"
    return nb


RUNNER = {
    "01_basic": notebook(
        "Basic report",
        """
region = "GM0344"  # CBS region code
year: int = 2024  # reporting year
label = "Utrecht"  # free text shown in the report
values = [1, 2]  # a list of numbers
scale = 1.5  # a factor
flag = False  # a switch
""",
        'print(f"region={region} year={year} label={label!r} type={type(label).__name__}"'
        ' f" values={values} scale={scale} flag={flag}")',
        """
from analysis.provenance import record_sources

record_sources([
    {"source": "fixture table", "path": "fixture_data.csv", "vintage": "2024"},
    {"source": "synthetic register", "synthetic": True},
])
""",
        """
import pandas as pd

pd.read_csv("fixture_data.csv").head()
""",
    ),
    "02_plot": notebook(
        "Plot",
        'region = "GM0344"  # CBS region code',
        """
import matplotlib as mpl
import matplotlib.pyplot as plt

assert mpl.rcParams["lines.linewidth"] != 7.5, "rcParams leaked from an earlier report"
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([2020, 2021, 2022, 2023], [3, 4, 2, 5], marker="o")
ax.set_title(f"Plot for {region}")
plt.show()
""",
    ),
    "03_fail": notebook(
        "Fails on request",
        """
fail = True  # raise in the second cell
message = "boom"  # the exception's message
""",
        'print("before the failure")',
        """
if fail:
    raise ValueError(message)
""",
        'print("after the failure")',
    ),
    "04_sleep": notebook(
        "Sleeps",
        "seconds = 30.0  # how long the cell sleeps",
        """
import time

time.sleep(seconds)
print("woke up")
""",
    ),
    "05_die": notebook(
        "Kills its kernel",
        "die = True  # end the kernel process",
        'import os\nprint("about to die")',
        """
if die:
    os._exit(1)
""",
        'print("still alive")',
    ),
    "06_leak": notebook(
        "State leak probe",
        'phase = "set"  # "set" leaves state behind, "check" looks for it',
        """
import json
import os
import sys
import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

if phase == "set":
    LEAKED_GLOBAL = 42
    mpl.rcParams["lines.linewidth"] = 7.5
    plt.ioff()
    leaked_figure = plt.figure()
    pd.set_option("display.max_rows", 3)
    os.environ["ANALYSIS_LEAK_TEST"] = "1"
    sys.path.append("/nonexistent-leak")
    warnings.simplefilter("ignore")
    os.chdir("/")
    print("state left behind")
else:
    state = {
        "global": "LEAKED_GLOBAL" in globals() or "leaked_figure" in globals(),
        "rcParams": mpl.rcParams["lines.linewidth"] == 7.5,
        "figures": len(plt.get_fignums()),
        "pandas": pd.get_option("display.max_rows") == 3,
        "environ": "ANALYSIS_LEAK_TEST" in os.environ,
        "sys.path": "/nonexistent-leak" in sys.path,
        "cwd": os.path.basename(os.getcwd()),
    }
    print("STATE " + json.dumps(state))
    assert not any(v for k, v in state.items() if k != "cwd"), state
""",
    ),
    "07_noparams": notebook("No parameters", None, 'print("hello")'),
}


COLLECTION_PARAMS = """
region = "GM0344"  # CBS code of the municipality
source = "auto"  # auto, embedded, cbs-cache or a path
"""

COMMON = """
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import statsmodels.api as sm

from analysis.provenance import record_sources

rng = np.random.default_rng(int(region[2:]) if region[2:].isdigit() else 0)
periods = pd.period_range("2015", "2024", freq="Y").astype(str)
"""

SOURCES = """
record_sources([{"source": "synthetic stand-in for %s", "vintage": "2025", "synthetic": True}])
"""


def stand_in(title: str, body: str) -> nbformat.NotebookNode:
    return notebook(
        title,
        COLLECTION_PARAMS,
        COMMON,
        SOURCES % title,
        body,
        "md:Generated stand-in notebook for runner benchmarks.",
    )


COLLECTION = {
    "00_overzicht": stand_in(
        "Overzicht",
        """
df = pd.DataFrame({"period": periods, "jeugdhulp": rng.normal(10, 1, len(periods)).round(1),
                   "wmo": rng.normal(60, 5, len(periods)).round(1)})
fig, axes = plt.subplots(1, 2, figsize=(8, 3))
df.plot(x="period", y="jeugdhulp", ax=axes[0], marker="o")
df.plot(x="period", y="wmo", ax=axes[1], marker="o")
fig.suptitle(f"Overzicht {region}")
plt.show()
df.describe()
""",
    ),
    "01_bereik": stand_in(
        "Bereik",
        """
wijken = [f"WK{region[2:]}{i:02d}" for i in range(1, 11)]
df = pd.DataFrame({"wijk": wijken, "bereik": rng.uniform(5, 15, len(wijken)).round(1)})
ax = sns.barplot(data=df, x="wijk", y="bereik", color="steelblue")
ax.tick_params(axis="x", rotation=45)
plt.show()
df.sort_values("bereik", ascending=False)
""",
    ),
    "02_instroom_uitstroom": stand_in(
        "Instroom en uitstroom",
        """
df = pd.DataFrame({"period": periods, "instroom": rng.poisson(400, len(periods)),
                   "uitstroom": rng.poisson(380, len(periods))})
df["saldo"] = df["instroom"] - df["uitstroom"]
fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(df["period"], df["saldo"])
plt.show()
df
""",
    ),
    "03_ervaring": stand_in(
        "Ervaring",
        """
answers = pd.DataFrame({"vraag": list("ABCDE"), "eens": rng.uniform(50, 90, 5).round(0)})
answers["oneens"] = 100 - answers["eens"]
answers.set_index("vraag").plot.barh(stacked=True, figsize=(6, 3))
plt.show()
answers
""",
    ),
    "04_jeugdzorg_cbs": stand_in(
        "Jeugdzorg (CBS)",
        """
df = pd.DataFrame({"period": periods, "jeugdhulp_pct": rng.normal(10, 0.8, len(periods)).round(1)})
x = sm.add_constant(np.arange(len(df)))
fit = sm.OLS(df["jeugdhulp_pct"], x).fit()
df["trend"] = fit.predict(x).round(2)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(df["period"], df["jeugdhulp_pct"], marker="o", label="jeugdhulp %")
ax.plot(df["period"], df["trend"], linestyle="--", label="trend")
ax.set_title(f"Jongeren met jeugdhulp, {region}")
ax.legend()
plt.show()
df
""",
    ),
    "05_trends_prognoses": stand_in(
        "Trends en prognoses",
        """
y = pd.Series(rng.normal(100, 5, 40).cumsum(), index=pd.period_range("2015Q1", periods=40, freq="Q"))
model = sm.tsa.ExponentialSmoothing(y.to_numpy(), trend="add").fit()
forecast = model.forecast(8)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(range(len(y)), y.to_numpy(), label="observed")
ax.plot(range(len(y), len(y) + 8), forecast, label="forecast")
ax.legend()
plt.show()
pd.DataFrame({"forecast": forecast.round(1)})
""",
    ),
}


def main() -> None:
    for folder, notebooks in (("notebooks", RUNNER), ("collection", COLLECTION)):
        target = HERE / folder
        target.mkdir(exist_ok=True)
        for name, nb in notebooks.items():
            nbformat.validate(nb)
            nbformat.write(nb, target / f"{name}.ipynb")
    (HERE / "notebooks" / "fixture_data.csv").write_text("period,value\n2022,1\n2023,2\n2024,3\n")


if __name__ == "__main__":
    main()
