"""Oversight API under /api/v1/oversight: each part's router beside its views."""

from ninja import Router

from procuracy.oversight import committee_api, instructions_api, leaders_api, review_api, trail_api

router = Router()
router.add_router("/", review_api.router)
router.add_router("/", instructions_api.router)
router.add_router("/committee", committee_api.router)
router.add_router("/leaders", leaders_api.router)
router.add_router("/", trail_api.router)
