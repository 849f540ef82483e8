"""Files the outbox sends: each is made from its row when sent, so the row itself stays small."""

from __future__ import annotations

from growth.charts import assessment_chart
from schedules.dispatcher import Gone, Upload, UploadMaker
from storage.db import Database
from storage.outbox import Claimed

ASSESSMENT_CHART = "trellis.assessmentChart"  # payload: {"assessment_id": int}


def makers(db: Database) -> dict[str, UploadMaker]:
    def chart(row: Claimed) -> Upload:
        with db.session() as session:
            made = assessment_chart(session, team_id=row.team_id, assessment_id=int(row.payload["assessment_id"]))
        if made is None:
            raise Gone(f"assessment {row.payload['assessment_id']}")
        return Upload(made.user_id, made.filename, made.title, made.alt_txt, made.png)

    return {ASSESSMENT_CHART: chart}
