# The placements model of yearly figures was called MeasureValue, like FLOURISH's model of measure values.
# Renamed YearlyFigure; its table keeps its name, so no row moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0004_forecast_models_move_to_forecast_app'),
        ('sufficiency', '0001_core_users_authorities_teams'),
    ]

    operations = [
        migrations.AlterModelTable(name='measurevalue', table='placements_measurevalue'),
        migrations.RenameModel(old_name='MeasureValue', new_name='YearlyFigure'),
    ]
