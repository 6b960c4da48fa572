"""sstc-docs in the browser: `streamlit run streamlit_app.py`.

A thin router: page config, the refusal to serve beyond this machine without sign-in, who is
signed in (every page acts as that account), and the navigation over the page files in
sstc_docs/ui/pages/.
"""

from pathlib import Path

import streamlit as st

from sstc_docs.ui.search_box import sidebar_search_box
from sstc_docs.ui.signin import refuse_open_without_sign_in
from sstc_docs.ui.widgets import run_page, services, sidebar_user

HERE = Path(__file__).resolve().parent
PAGES = HERE / "sstc_docs" / "ui" / "pages"

st.set_page_config(page_title="sstc-docs", page_icon=":material/description:", layout="wide")
refuse_open_without_sign_in()

pages = [
    st.Page(str(PAGES / "overview.py"), title="Overview", icon=":material/home:", url_path="overview", default=True),
    st.Page(str(PAGES / "search.py"), title="Search", icon=":material/search:", url_path="search"),
    st.Page(str(PAGES / "papers.py"), title="Papers", icon=":material/description:", url_path="papers"),
    st.Page(str(PAGES / "imports.py"), title="Import a paper", icon=":material/upload_file:", url_path="import"),
    st.Page(str(PAGES / "frameworks.py"), title="Frameworks", icon=":material/table_chart:", url_path="frameworks"),
    st.Page(str(PAGES / "decisions.py"), title="Decisions", icon=":material/gavel:", url_path="decisions"),
    st.Page(str(PAGES / "sessions.py"), title="Sessions", icon=":material/event:", url_path="sessions"),
    st.Page(str(PAGES / "evidence.py"), title="Evidence", icon=":material/fact_check:", url_path="evidence"),
    st.Page(str(PAGES / "history.py"), title="History", icon=":material/history:", url_path="history"),
    st.Page(str(PAGES / "integrity.py"), title="Integrity", icon=":material/verified:", url_path="integrity"),
]

navigation = st.navigation(pages)
sidebar_user()
sidebar_search_box(services())
run_page(navigation)
