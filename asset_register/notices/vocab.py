"""The fixed vocabularies of notices: owners' response statuses and the Street Manager
choices with their defaults.

Import-light (no geo stack, no PDF library) so the command line can offer them as choices
in ``--help`` without loading what writing a notice needs.
"""

RESPONSE_STATUSES = {
    "no_assets_affected": "No assets affected",
    "affected": "Affected — precautions required",
    "affected_plans_sent": "Affected — plans sent",
    "no_response": "No response",
}

# Promoter decisions with the default used when none is given.
SM_DEFAULTS = {
    "activity_type": "utility_repair_and_maintenance_works",
    "traffic_management_type": "some_carriageway_incursion",
    "application_type": "permit",
    "location_types": ["carriageway"],
    "work_type": "planned",
    "close_footway": "no",
    "traffic_management_plan": False,
    "lane_rental_applicable": False,
    "environmental_health_notifiable": False,
}

# The values Street Manager accepts for the promoter decisions the CLI offers.
SM_CHOICES = {
    "activity_type": ["highway_improvement_works", "highway_repair_and_maintenance_works",
                      "utility_asset_works", "utility_repair_and_maintenance_works",
                      "diversionary_works", "disconnection_or_alteration_of_supply",
                      "permanent_reinstatement", "remedial_works", "section_58", "section_50",
                      "core_sampling", "statutory_infrastructure_works",
                      "works_for_rail_purposes", "works_for_road_purposes",
                      "new_service_connection", "optional_permit_no_fee"],
    "traffic_management_type": ["road_closure", "contra_flow", "lane_closure",
                                "multi_way_signals", "two_way_signals", "convoy_workings",
                                "stop_go_boards", "priority_working", "give_and_take",
                                "some_carriageway_incursion", "no_carriageway_incursion"],
    "location_types": ["footway", "carriageway", "verge", "cycleway", "footpath",
                       "parking_place", "bus_stop_or_stand", "cycle_hire_docking_station",
                       "taxi_rank"],
    "application_type": ["permit", "notice"],
    "work_type": ["planned", "immediate"],
    "close_footway": ["no", "yes_provide_pedestrian_walkway", "yes_provide_alternative_route"],
}
