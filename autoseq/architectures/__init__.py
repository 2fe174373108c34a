"""The built-in architecture catalogue; importing it registers every body.

One module per architecture, each a screenful with its search space next to it.
"""

from autoseq.architectures.bilstm import BiLSTM
from autoseq.architectures.cnn_lstm import CNNLSTM
from autoseq.architectures.gru import GRU
from autoseq.architectures.lstm import LSTM
from autoseq.architectures.lstm_attention import LSTMAttention
from autoseq.architectures.rocket import Rocket
from autoseq.architectures.simple_rnn import SimpleRNN
from autoseq.architectures.stacked_lstm import StackedLSTM
from autoseq.architectures.tcn import TCN
from autoseq.architectures.transformer import Transformer

__all__ = ["BiLSTM", "CNNLSTM", "GRU", "LSTM", "LSTMAttention", "Rocket", "SimpleRNN",
           "StackedLSTM", "TCN", "Transformer"]
