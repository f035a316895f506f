from matchflow.cli import app

app(prog_name="matchflow")
