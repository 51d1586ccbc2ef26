"""What a map draws for open deviation reports, as plain arrays: the desktop map
(``ui/render/deviations.py``) and the notice pack's site map (``notices/pdfmap.py``) draw
the same snapshot. Per open report: its reported position or line, the recorded asset it
is about, the leader from one to the other and where its marker sits."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely


@dataclass(frozen=True)
class DeviationMarks:
    """What the map draws for the open reports (numpy arrays, one row per report)."""

    ids: np.ndarray  # (n,) report ids
    kind: np.ndarray  # (n,) object
    status: np.ndarray  # (n,) object
    reported: np.ndarray  # (n,) shapely or None: the measured position or line
    recorded: np.ndarray  # (n,) shapely or None: the record the report is about
    leader: np.ndarray  # (n,) shapely or None: the marker → the nearest point of the record
    anchor: np.ndarray  # (n, 2): where the report's marker sits
    owner: np.ndarray  # (n,) object: the owner the report goes to (None: not known)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, keep: np.ndarray) -> DeviationMarks | None:
        """The reports where ``keep`` (a boolean mask) holds; None when none is left."""
        if not keep.any():
            return None
        return DeviationMarks(**{k: v[keep] for k, v in self.__dict__.items()})

    def meeting(self, box: tuple[float, float, float, float]) -> DeviationMarks | None:
        """The reports whose reported position or record meets ``box`` (x0, y0, x1, y1)."""
        area = shapely.box(*box)
        return self.take(shapely.intersects(area, self.reported)
                         | shapely.intersects(area, self.recorded))

    @property
    def total_bounds(self):
        geoms = np.concatenate([self.reported, self.recorded])
        geoms = geoms[~shapely.is_missing(geoms)]
        return tuple(float(v) for v in shapely.total_bounds(geoms)) if len(geoms) else None


def _parts(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    reported = shapely.from_wkt(np.array([w if isinstance(w, str) else None
                                          for w in frame["geometry_wkt"]], dtype=object))
    records = [json.loads(r) if isinstance(r, str) else r for r in frame["recorded"]]
    recorded = shapely.from_wkt(np.array([(r or {}).get("geometry_wkt") if isinstance(r, dict) else None
                                          for r in records], dtype=object))
    return reported, recorded


def deviation_marks(frame: pd.DataFrame | None) -> DeviationMarks | None:
    """The drawing of ``frame``'s open reports (None when there are none to draw): the
    store's ``deviations()`` or ``deviations.reports`` (``recorded`` as JSON or parsed)."""
    if frame is None or not len(frame):
        return None
    frame = frame[frame["status"] != "resolved"]
    if not len(frame):
        return None
    reported, recorded = _parts(frame)
    has_rep, has_rec = ~shapely.is_missing(reported), ~shapely.is_missing(recorded)
    keep = has_rep | has_rec
    if not keep.any():
        return None
    frame, reported, recorded = frame[keep], reported[keep], recorded[keep]
    has_rep, has_rec = has_rep[keep], has_rec[keep]
    # the marker: on the reported position where there is one, else mid-way along the record
    where = np.where(has_rep, reported, recorded)
    lines = np.isin(shapely.get_type_id(where), (1, 5))
    mid = np.where(lines, shapely.line_interpolate_point(np.where(lines, where, None), 0.5,
                                                         normalized=True),
                   shapely.point_on_surface(where))
    # the leader: from the marker on the reported position to the nearest point of the record
    leader = np.full(len(frame), None, dtype=object)
    both = has_rep & has_rec
    leader[both] = shapely.shortest_line(mid[both], recorded[both])
    return DeviationMarks(ids=frame["deviation_id"].to_numpy(dtype=np.int64),
                          kind=frame["kind"].to_numpy(dtype=object),
                          status=frame["status"].to_numpy(dtype=object),
                          reported=reported, recorded=recorded, leader=leader,
                          anchor=shapely.get_coordinates(mid).reshape(-1, 2),
                          owner=(frame["owner"] if "owner" in frame else pd.Series(
                              None, index=frame.index)).to_numpy(dtype=object))
