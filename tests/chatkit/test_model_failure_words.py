"""What the user is told when the model service fails, by how it failed."""

import httpx
import openai
import pytest

from chatkit_app.server import MODEL_CUT, MODEL_FAILED, model_failure

REQUEST = httpx.Request("POST", "http://127.0.0.1:1/v1/responses")


def connection_error(cause: Exception) -> openai.APIConnectionError:
    try:
        raise openai.APIConnectionError(request=REQUEST) from cause
    except openai.APIConnectionError as error:
        return error


@pytest.mark.parametrize("shown", [True, False])
def test_a_connection_that_broke_mid_stream_is_a_cut_answer_even_before_any_text_showed(shown):
    # The Agents SDK drops the events still queued when the run fails, so the text
    # that had arrived may never have reached the screen.
    broke = connection_error(
        httpx.RemoteProtocolError("peer closed connection without sending complete message body")
    )
    assert model_failure(broke, mid_answer=shown) == MODEL_CUT


def test_a_connection_that_could_not_be_opened_is_no_answer():
    refused = connection_error(httpx.ConnectError("All connection attempts failed"))
    assert model_failure(refused, mid_answer=False) == MODEL_FAILED
