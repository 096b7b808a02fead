"""procuracy — 检察权运行监督平台.

The judicial-responsibility system of a three-tier procuratorate.
"""
